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
