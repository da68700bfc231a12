// Building DOM from data: text always goes through textContent, never innerHTML.

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else if (k === 'dataset') Object.assign(node.dataset, v);
    else if (k.startsWith('on') && typeof v === 'function') node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

export const $ = (sel, root = document) => root.querySelector(sel);
export const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));

export function bootData() {
  return JSON.parse(document.getElementById('boot').textContent);
}

let T = {};
export function setCatalogue(cat) { T = cat || {}; }
export function t(key, params) {
  let s = T[key] || key;
  if (params) for (const [k, v] of Object.entries(params)) s = s.replaceAll(`{${k}}`, String(v));
  return s;
}
export const lbl = (group, v) => (v === null || v === undefined || v === '') ? '' : t(`${group}.${v}`);

export function toast(message, kind = 'info') {
  const box = document.getElementById('toast');
  if (!box) return;
  box.textContent = message;
  box.dataset.kind = kind;
  box.hidden = false;
  clearTimeout(toast._t);
  toast._t = setTimeout(() => { box.hidden = true; }, 5000);
}

export function formData(form) {
  const out = {};
  for (const input of form.elements) {
    if (!input.name || input.disabled) continue;
    if (input.type === 'checkbox') out[input.name] = input.checked;
    else if (input.type === 'radio') { if (input.checked) out[input.name] = input.value; }
    else if (input.value !== '') out[input.name] = input.value;
  }
  return out;
}

// A typed quantity ("12,5", "1 000") as the JSON number the API expects; kept as typed when it is not
// a number, so the server's message says what is wrong instead of the value vanishing.
export function asNumber(text) {
  const s = String(text).replace(/[\s\u00a0\u202f]/g, '').replace(',', '.');
  const n = Number(s);
  return s !== '' && Number.isFinite(n) ? n : text;
}

export function showErrors(form, err) {
  for (const p of form.querySelectorAll('.field-error')) { p.hidden = true; p.textContent = ''; }
  for (const i of form.querySelectorAll('[aria-invalid]')) i.removeAttribute('aria-invalid');
  const general = form.querySelector('.form-error');
  if (general) { general.hidden = !err; general.textContent = err ? err.error || '' : ''; }
  if (!err || !err.fields) return;
  for (const [name, msg] of Object.entries(err.fields)) {
    const input = form.querySelector(`[name="${CSS.escape(name)}"]`);
    const p = input && input.closest('.field') && input.closest('.field').querySelector('.field-error');
    if (p) { p.textContent = msg; p.hidden = false; p.id = p.id || `err-${name}`; input.setAttribute('aria-invalid', 'true'); input.setAttribute('aria-describedby', p.id); }
    else if (general) general.textContent += ` ${msg}`;
  }
}

export function formatDate(iso, lang) {
  if (!iso) return '';
  try { return new Date(iso).toLocaleString(lang === 'en' ? 'en-GB' : 'fr-FR', { hour: '2-digit', minute: '2-digit', day: 'numeric', month: 'short' }); }
  catch { return iso; }
}

// ---------- keyed redraw ----------
// A live list redrawn from data keeps the nodes whose item did not change: the same DOM nodes, so a
// tap, the focus, an open fold, typed text, listeners and the scroll position survive the many live
// changes a minute of the event. A changed item is replaced where it stands, carrying what the person
// was doing in it (focus, typed text, opened folds) to its new node.
const drawn = new WeakMap(); // node -> { key, sig, was: Map(control -> its state as drawn) }
const CONTROLS = 'input, textarea, select, details';
const stateOf = (n) => (n.tagName === 'DETAILS' ? n.open : n.type === 'checkbox' || n.type === 'radio' ? n.checked : n.value);
function setState(n, v) {
  if (n.tagName === 'DETAILS') n.open = v;
  else if (n.type === 'checkbox' || n.type === 'radio') n.checked = v;
  else if (n.type !== 'file') n.value = v;
}
const controls = (root) => [root, ...root.querySelectorAll(CONTROLS)].filter((n) => n.matches(CONTROLS));

// The element of `fresh` that stands for `node` of `old` (same id, or the same kind of element at the same
// rank), else that of its closest ancestor that has one; `fresh` itself at worst.
function twin(old, node, fresh) {
  for (let n = node; n && n !== old; n = n.parentElement) {
    if (n.id) { const same = fresh.querySelector(`#${CSS.escape(n.id)}`); if (same) return same; }
    const like = (m) => m.tagName === n.tagName && m.className === n.className && m.getAttribute('name') === n.getAttribute('name')
      && m.getAttribute('type') === n.getAttribute('type') && m.dataset.act === n.dataset.act;
    const rank = Array.from(old.getElementsByTagName(n.tagName)).filter(like).indexOf(n);
    const same = Array.from(fresh.getElementsByTagName(n.tagName)).filter(like)[rank];
    if (same) return same;
  }
  return fresh;
}

// Focus `node` again without scrolling, as the same element or as its stand-in in a redrawn card.
export function refocus(node, { from = null, selection = null } = {}) {
  if (!node.matches('a[href], button, input, select, textarea, summary, [tabindex]')) node.tabIndex = -1;
  node.focus({ preventScroll: true });
  if (selection && from !== node && typeof node.setSelectionRange === 'function') {
    try { node.setSelectionRange(...selection); } catch { /* not a text field */ }
  }
}

// What the person changed in `old` since it was drawn goes to `fresh`, unless the new drawing itself
// changes that control (then the data is newer); returns the focus's stand-in.
function carry(old, fresh, focused) {
  for (const [n, v] of drawn.get(old).was) {
    const now = stateOf(n);
    if (now === v || !old.contains(n)) continue;
    const to = twin(old, n, fresh);
    if ((to !== fresh || n === old) && to.tagName === n.tagName && to.type === n.type && stateOf(to) === v) setState(to, now);
  }
  return focused && old.contains(focused) ? twin(old, focused, fresh) : null;
}

/**
 * Make `parent`'s children the rendered `items`, in order. A node whose key and signature (the item as
 * JSON by default, `stamp` when the render reads more than the item and its HTML shows, plus the freshly
 * rendered node's HTML) are unchanged is kept as it is; a changed one is replaced in place; the others
 * are inserted, moved (the fewest moves) or removed. Children not drawn by reconcile are removed.
 */
export function reconcile(parent, items, keyOf, render, { stamp = JSON.stringify } = {}) {
  const old = new Map();
  for (const node of parent.children) {
    const d = drawn.get(node);
    if (d && !old.has(d.key)) old.set(d.key, node);
  }
  const focused = document.activeElement && document.activeElement !== parent && parent.contains(document.activeElement)
    ? document.activeElement : null;
  const selection = focused && typeof focused.selectionStart === 'number' ? [focused.selectionStart, focused.selectionEnd, focused.selectionDirection] : null;
  let focusTo = null;
  const wanted = [];
  for (const item of items) {
    const key = String(keyOf(item));
    const fresh = render(item);
    const sig = `${stamp(item)}\u0000${fresh.outerHTML}`;
    const was = old.get(key);
    old.delete(key); // a repeated key gets a node of its own
    if (was && drawn.get(was).sig === sig) { wanted.push(was); continue; }
    drawn.set(fresh, { key, sig, was: new Map(controls(fresh).map((n) => [n, stateOf(n)])) });
    if (was) {
      focusTo = carry(was, fresh, focused) || focusTo;
      was.replaceWith(fresh);
    }
    wanted.push(fresh);
  }
  const keep = new Set(wanted);
  for (const node of Array.from(parent.children)) if (!keep.has(node)) node.remove();
  // Nodes already in place along the longest increasing run of their current positions stay; the rest move.
  const at = new Map(Array.from(parent.children, (n, i) => [n, i]));
  const staying = longestRun(wanted.map((n) => (at.has(n) ? at.get(n) : -1)));
  let next = null;
  for (let i = wanted.length - 1; i >= 0; i -= 1) {
    const node = wanted[i];
    if (!staying.has(i)) place(parent, node, next);
    next = node;
  }
  if (focusTo && focusTo.isConnected) refocus(focusTo, { from: focused, selection });
  else if (focused && focused.isConnected && document.activeElement !== focused) refocus(focused);
}

// A node already in the list moves with moveBefore where the browser has it: focus and state stay.
function place(parent, node, next) {
  if (node.parentNode === parent && parent.moveBefore) {
    try { parent.moveBefore(node, next); return; } catch { /* a plain move then */ }
  }
  parent.insertBefore(node, next);
}

// Indexes of `seq` (values < 0 skipped) forming its longest strictly increasing subsequence.
function longestRun(seq) {
  const tails = []; const prev = new Array(seq.length);
  for (let i = 0; i < seq.length; i += 1) {
    if (seq[i] < 0) continue;
    let lo = 0; let hi = tails.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (seq[tails[mid]] < seq[i]) lo = mid + 1; else hi = mid; }
    prev[i] = lo > 0 ? tails[lo - 1] : -1;
    tails[lo] = i;
  }
  const out = new Set();
  for (let i = tails.length ? tails[tails.length - 1] : -1; i >= 0; i = prev[i]) out.add(i);
  return out;
}
