// Facilitators' board: ideas as cards in status columns, kept live.
// Rendering is incremental: a live change re-places only the changed card;
// columns render their first cards and grow on demand ("show more").
import { ApiError, call, uuid } from './lib/api.js';
import { $, $$, bootData, el, formatDate, lbl, setCatalogue, t, toast } from './lib/dom.js';
import { Live } from './lib/live.js';
import { StaffJoinRequests } from './lib/join-staff.js';
import { Outbox } from './lib/outbox.js';
import { initDrag } from './lib/board-drag.js';
import { initDetails, askReason } from './lib/board-details.js';
import { initCreate } from './lib/board-create.js';
import { initMoveMenu } from './lib/board-menu.js';

const boot = bootData();
setCatalogue(boot.i18n);
const W = boot.workshop;
const url = (p) => `/api/w/${W}${p}`;
const live = new Live(W);
new StaffJoinRequests(live); // phones asking to join an organisation: let in or turn away
const TRANSITIONS = boot.transitions || {};
const AFTER = new Set(boot.after_event || []);
const ALL_COLS = ['new', 'explore', 'discussion', 'soon', 'abandoned', 'standby', 'done'];
const AFTER_ONLY = new Set(['discussion', 'standby', 'done']); // statuses of the follow-up months
const PAGE = 40;

// ---------- state ----------
const pending = new Map(); // id -> optimistic overlay {status, abandon_reason, status_at, b2b, _queued}
const notices = new Map(); // id -> short text shown on the card (conflict, refusal)
const cols = {};
for (const s of ALL_COLS) {
  const section = $(`.column[data-status="${s}"]`);
  cols[s] = { status: s, section, list: $(`[data-list="${s}"]`, section), count: $(`[data-count="${s}"]`, section),
    more: $(`[data-more="${s}"]`, section), ids: [], keys: new Map(), shown: 0, limit: PAGE };
}
const placed = new Map(); // id -> {status, key}
const cardEls = new Map(); // id -> rendered <li>
const hay = new Map(); // id -> {v, s} search text cache
const hasTable = () => boot.me && boot.me.table !== null && boot.me.table !== undefined;
const filters = { q: '', scope: hasTable() ? 'mine' : 'all', category: '', org: '', origin: '', b2b: false, hidden: true };

const me = () => boot.me || {};
const phase = () => (live.info && live.info.phase) || 'live';
const afterEvent = () => AFTER.has(phase());
// A locked workshop is read-only for facilitators: offer no move the server would refuse.
const readOnly = () => phase() === 'locked' && boot.role !== 'organiser';
const visibleCols = () => ALL_COLS.filter((s) => !AFTER_ONLY.has(s) || afterEvent());
const orgName = (id) => { const o = live.maps.organisations.get(id); return o ? o.name : '?'; };
const sheet = (id) => (id ? live.maps.sheets.get(id) : null);

function view(id) {
  const rec = live.maps.ideas.get(id);
  if (!rec) return null;
  const p = pending.get(id);
  return p ? { ...rec, ...p } : rec;
}

// ---------- filters ----------
function haystack(rec) {
  const c = hay.get(rec.id);
  if (c && c.v === rec.version) return c.s;
  const parts = [rec.title, rec.description, rec.author_label, lbl('cat', rec.category), ...(rec.org_ids || []).map(orgName)];
  for (const sid of [rec.offer_sheet_id, rec.need_sheet_id]) { const s = sheet(sid); if (s) parts.push(s.title); }
  const s = parts.filter(Boolean).join(' ').toLocaleLowerCase('fr').normalize('NFD').replace(/[\u0300-\u036f]/g, '');
  hay.set(rec.id, { v: rec.version, s });
  return s;
}
const fold = (s) => s.toLocaleLowerCase('fr').normalize('NFD').replace(/[\u0300-\u036f]/g, '');

function myTable(rec) {
  const table = me().table;
  if (table === null || table === undefined) return true;
  if (rec.table_no === table) return true;
  return (rec.org_ids || []).some((o) => { const org = live.maps.organisations.get(o); return org && org.table_no === table; });
}

function passes(rec) {
  if (!rec || rec.merged_into) return false;
  if (rec.hidden && !filters.hidden) return false;
  if (filters.b2b && !rec.b2b) return false;
  if (filters.category && rec.category !== filters.category) return false;
  if (filters.origin && rec.origin !== filters.origin) return false;
  if (filters.org && !(rec.org_ids || []).includes(filters.org)) return false;
  if (filters.scope === 'mine' && !myTable(rec)) return false;
  if (filters.q) { const h = haystack(rec); if (!filters.q.split(/\s+/).every((w) => h.includes(w))) return false; }
  return true;
}

// Newest status change first; ties by id so every screen has the same order.
const sortKey = (rec) => `${rec.status_at || rec.created_at || ''}|${rec.id}`;
function insertIndex(col, key) {
  let lo = 0; let hi = col.ids.length;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (col.keys.get(col.ids[mid]) > key) lo = mid + 1; else hi = mid; }
  return lo;
}

// ---------- cards ----------
function orgsLine(rec) {
  const ids = rec.org_ids || [];
  if (rec.kind === 'exchange' && ids.length === 2) return `${orgName(ids[0])} → ${orgName(ids[1])}`;
  return ids.map(orgName).join(' · ');
}

function moveLabel(target) { return t('js.board_move_to', { col: lbl('status', target) }); }

function targetsFor(rec) {
  return (TRANSITIONS[rec.status] || []).filter((s) => !AFTER_ONLY.has(s) || afterEvent());
}

// A compact card: what the idea is (title, once), who (organisations, once), its tags, and one
// "Déplacer ▾" control; everything else is in the details, opened by a tap on the card.
function buildCard(rec) {
  const p = pending.get(rec.id);
  const classes = ['card', 'idea-card', `s-${rec.status}`];
  if (rec.hidden) classes.push('is-hidden');
  if (p) classes.push('is-pending');
  if (notices.has(rec.id)) classes.push('has-notice');
  const titleId = `t-${rec.id}`;
  const orgs = orgsLine(rec);
  const reason = rec.status === 'abandoned' && rec.abandon_reason ? lbl('reason', rec.abandon_reason) : '';
  const li = el('li', { class: classes.join(' '), tabindex: '0', dataset: { id: rec.id, status: rec.status },
    'aria-labelledby': titleId, 'aria-describedby': 'card-help' });
  let control = null;
  if (rec.hidden) {
    control = el('button', { class: 'btn sm card-btn', type: 'button', dataset: { act: 'restore' }, text: t('js.board_restore'),
      'aria-label': `${t('js.board_restore')} — ${rec.title}` });
  } else if (!readOnly()) {
    control = el('button', { class: 'btn sm card-btn move-btn', type: 'button', dataset: { act: 'menu' }, 'aria-haspopup': 'menu',
      'aria-expanded': 'false', 'aria-controls': 'move-menu', 'aria-label': `${t('js.board_move')} — ${rec.title}` },
    t('js.board_move'), el('span', { 'aria-hidden': 'true', text: ' ▾' }));
  }
  li.append(...[
    el('div', { class: 'card-top' },
      el('span', { class: 'grip', 'aria-hidden': 'true', title: t('js.board_drag'), text: '⠿' }),
      el('span', { class: 'card-tags' },
        // The category's short name on the card (its full name is in the details and the filters).
        el('span', { class: 'tag cat', title: lbl('cat', rec.category), text: t(`js.cat_short_${rec.category}`) }),
        rec.b2b ? el('span', { class: 'tag b2b', text: t('js.board_b2b') }) : null,
        rec.hidden ? el('span', { class: 'tag hidden-tag', text: t('js.board_hidden') }) : null,
      ),
      control),
    el('h3', { id: titleId, class: 'card-title', title: rec.title, text: rec.title }),
    reason || (orgs && !rec.title.includes(orgs)) ? el('p', { class: 'orgs', title: orgs },
      reason ? el('span', { class: 'reason', text: `${t('js.board_reason')} ${reason}` }) : null,
      reason && !rec.title.includes(orgs) ? ' · ' : null, rec.title.includes(orgs) ? null : orgs) : null,
    p ? el('p', { class: 'card-state', role: 'status', text: p._queued ? t('js.board_queued') : t('js.board_sending') }) : null,
    notices.has(rec.id) ? el('p', { class: 'card-notice', role: 'status', text: notices.get(rec.id) }) : null].filter(Boolean));
  return li;
}

// ---------- columns ----------
function setCount(col) {
  col.count.textContent = String(col.ids.length);
  const rest = col.ids.length - col.shown;
  col.more.hidden = rest <= 0;
  if (rest > 0) col.more.textContent = t('js.board_more', { n: rest });
}

function renderAt(col, index) {
  const id = col.ids[index];
  const rec = view(id);
  const li = buildCard(rec);
  const nextId = col.ids[index + 1];
  const next = nextId ? cardEls.get(nextId) : null;
  if (next && next.parentNode === col.list) col.list.insertBefore(li, next); else col.list.append(li);
  cardEls.set(id, li);
}

function fill(col) {
  const end = Math.min(col.limit, col.ids.length);
  const frag = document.createDocumentFragment();
  for (let i = col.shown; i < end; i++) { const li = buildCard(view(col.ids[i])); cardEls.set(col.ids[i], li); frag.append(li); }
  col.list.append(frag);
  col.shown = Math.max(col.shown, end);
  setCount(col);
}

function unplace(id) {
  const where = placed.get(id);
  if (!where) return;
  const col = cols[where.status];
  const i = col.ids.indexOf(id);
  if (i >= 0) {
    col.ids.splice(i, 1); col.keys.delete(id);
    if (i < col.shown) col.shown -= 1;
  }
  const li = cardEls.get(id);
  if (li) li.remove();
  cardEls.delete(id);
  placed.delete(id);
}

/** Put one card where it belongs now (or nowhere), touching only that card. */
function place(id) {
  const rec = view(id);
  const status = rec && passes(rec) && visibleCols().includes(rec.status) ? rec.status : null;
  const key = rec ? sortKey(rec) : null;
  const where = placed.get(id);
  const hadFocus = cardEls.get(id) && cardEls.get(id).contains(document.activeElement);
  if (where && status && where.status === status && where.key === key) {
    const old = cardEls.get(id);
    if (old) { const li = buildCard(rec); old.replaceWith(li); cardEls.set(id, li); if (hadFocus) li.focus({ preventScroll: true }); }
    return;
  }
  const from = where && cols[where.status];
  unplace(id);
  if (from) { fill(from); }
  if (!status) return;
  const col = cols[status];
  const i = insertIndex(col, key);
  col.ids.splice(i, 0, id); col.keys.set(id, key);
  placed.set(id, { status, key });
  if (i < col.shown || (i === col.shown && col.shown < col.limit)) {
    col.shown += 1;
    renderAt(col, i);
    if (col.shown > col.limit) { // keep the window size: drop the last rendered card
      const lastId = col.ids[col.shown - 1]; const last = cardEls.get(lastId);
      if (last && lastId !== id) { last.remove(); cardEls.delete(lastId); col.shown -= 1; }
    }
  }
  setCount(col);
  if (hadFocus && cardEls.get(id)) cardEls.get(id).focus({ preventScroll: true });
}

function renderAll() {
  const vis = visibleCols();
  for (const s of ALL_COLS) {
    const col = cols[s];
    col.section.hidden = !vis.includes(s);
    col.ids = []; col.keys = new Map(); col.shown = 0; col.limit = PAGE;
    col.list.replaceChildren();
  }
  cardEls.clear(); placed.clear();
  for (const [k, v] of Object.entries(cols)) $(`[data-colkey="${k}"]`).textContent = vis.includes(k) ? `${vis.indexOf(k) + 1}` : '';
  const buckets = Object.fromEntries(vis.map((s) => [s, []]));
  for (const id of live.maps.ideas.keys()) {
    const rec = view(id);
    if (!rec || !buckets[rec.status] || !passes(rec)) continue;
    buckets[rec.status].push([sortKey(rec), id]);
  }
  for (const s of vis) {
    const col = cols[s];
    buckets[s].sort((a, b) => (a[0] < b[0] ? 1 : a[0] > b[0] ? -1 : 0));
    for (const [key, id] of buckets[s]) { col.ids.push(id); col.keys.set(id, key); placed.set(id, { status: s, key }); }
    fill(col);
  }
  document.body.classList.toggle('after-event', afterEvent());
  const shownAny = vis.some((s) => cols[s].ids.length);
  $('#scope-empty').hidden = shownAny || filters.scope !== 'mine' || !live.maps.ideas.size;
  fitColumns();
}

// Columns fill the screen below the toolbar and scroll inside: the headers stay in view.
function fitColumns() {
  const top = boardEl.getBoundingClientRect().top + window.scrollY;
  document.documentElement.style.setProperty('--board-top', `${Math.round(top)}px`);
}
window.addEventListener('resize', () => { clearTimeout(fitColumns.t); fitColumns.t = setTimeout(fitColumns, 100); });

for (const col of Object.values(cols)) {
  col.more.addEventListener('click', () => { col.limit += PAGE * 2; fill(col); });
}

// ---------- organisation filter options ----------
function renderOrgOptions() {
  const sel = $('#f-org');
  const cur = sel.value;
  const orgs = live.list('organisations').sort((a, b) => a.name.localeCompare(b.name, 'fr'));
  sel.replaceChildren(el('option', { value: '', text: t('js.board_all') }), ...orgs.map((o) => el('option', { value: o.id, text: o.name })));
  sel.value = orgs.some((o) => o.id === cur) ? cur : '';
}

// ---------- actions ----------
function announce(text) { $('#announce').textContent = text; }
function notice(id, text) {
  notices.set(id, text);
  place(id);
  setTimeout(() => { if (notices.get(id) === text) { notices.delete(id); place(id); } }, 8000);
}
function applyRecord(rec) { if (rec) live.apply({ entity: 'idea', id: rec.id, record: rec }); }
const online = () => navigator.onLine && live.socket && live.socket.connected;

const outbox = new Outbox(`${W}:board`, {
  onAck: (e, res) => { if (e.kind !== 'move') return; pending.delete(e.ideaId); applyRecord(res && res.record); place(e.ideaId); updateQueue(); },
  onReject: (e, err) => {
    if (e.kind !== 'move') return;
    outbox.drop(e.id); // shown to the user right now, not kept
    pending.delete(e.ideaId);
    applyRecord(e.current);
    notice(e.ideaId, err.status === 409 ? t('js.board_conflict') : `${t('js.rejected')} ${e.error || ''}`);
    toast(`${t('js.board_queued_refused')} ${e.error || ''}`, 'error');
    updateQueue();
  },
  onChange: () => updateQueue(),
  onCorrupt: () => toast(t('js.outbox_corrupt'), 'error'),
});

function queuedMove(id) { return outbox.pending().find((e) => e.kind === 'move' && e.ideaId === id); }
function updateQueue() {
  const n = outbox.pending().filter((e) => e.kind === 'move').length;
  const box = $('#queue-state');
  box.hidden = n === 0;
  box.textContent = n ? t('js.board_queue', { n }) : '';
}

function enqueue(id, body, orig) {
  outbox.save({ id: body.request_id, method: 'POST', url: url(`/ideas/${id}/move`), body, kind: 'move', ideaId: id,
    orig, label: id, created: Date.now(), attempts: 0 });
  pending.set(id, { ...(pending.get(id) || {}), _queued: true });
  place(id);
  updateQueue();
}

async function requestMove(id, target) {
  const rec = view(id);
  if (!rec || rec.status === target) return;
  if (rec.hidden) { toast(t('err.not_found'), 'error'); return; }
  if (!targetsFor(rec).includes(target)) { toast(t(target === 'done' && !afterEvent() ? 'err.done_too_early' : 'err.transition'), 'error'); return; }
  let reason = null;
  if (target === 'abandoned') {
    reason = await askReason(rec);
    if (!reason) { const li = cardEls.get(id); if (li) li.focus(); return; }
  }
  doMove(id, target, reason);
}

function doMove(id, target, reason) {
  const base = live.maps.ideas.get(id);
  const queued = queuedMove(id);
  const version = queued ? queued.body.version : base.version;
  const orig = queued ? queued.orig : base.status;
  if (queued) outbox.drop(queued.id);
  announce(`${base.title} → ${lbl('status', target)}`);
  if (queued && target === orig) { pending.delete(id); place(id); updateQueue(); return; }
  const body = { version, status: target, request_id: uuid() };
  if (reason) body.reason = reason;
  pending.set(id, { status: target, abandon_reason: reason, status_at: new Date().toISOString() });
  place(id);
  if (queued || !online()) { enqueue(id, body, orig); return; }
  call('POST', url(`/ideas/${id}/move`), body).then((res) => {
    pending.delete(id); applyRecord(res.record); place(id);
  }).catch((err) => {
    if (err instanceof ApiError && err.status < 500 && ![408, 425, 429].includes(err.status)) {
      pending.delete(id);
      if (err.status === 409 && err.body.current) { applyRecord(err.body.current); notice(id, t('js.board_conflict')); }
      else { place(id); notice(id, err.message); }
      toast(err.message, 'error');
    } else {
      enqueue(id, body, orig); // network or server down: kept with its version, replayed later
      toast(t('js.board_queued_toast'));
    }
  });
}

async function simpleWrite(id, path, body, okText) {
  const rec = view(id);
  if (!online()) { toast(t('js.board_offline_refused'), 'error'); notice(id, t('js.board_offline_refused')); return null; }
  try {
    const res = await call('POST', url(path), { version: rec.version, request_id: uuid(), ...body });
    applyRecord(res.record); place(id);
    if (okText) announce(okText);
    return res.record;
  } catch (err) {
    if (err instanceof ApiError && err.status === 409 && err.body.current) { applyRecord(err.body.current); notice(id, t('js.board_conflict')); }
    else notice(id, err instanceof ApiError ? err.message : t('js.board_offline_refused'));
    toast(err instanceof ApiError ? err.message : t('js.board_offline_refused'), 'error');
    return null;
  }
}

const toggleB2B = (id) => { const r = view(id); return simpleWrite(id, `/ideas/${id}/b2b`, { b2b: !r.b2b }, `${r.title}: ${t('js.board_b2b')} ${r.b2b ? '✗' : '✓'}`); };
const setHidden = (id, hidden) => simpleWrite(id, `/ideas/${id}/hide`, { hidden }, hidden ? t('js.board_hidden') : t('js.board_restore'));

async function undo() {
  if (!online()) { toast(t('js.board_offline_refused'), 'error'); return; }
  try {
    const res = await call('POST', url('/undo'), { request_id: uuid() });
    applyRecord(res.record); place(res.record.id);
    toast(t('js.board_undone', { title: res.record.title, col: lbl('status', res.record.status) }));
    const li = cardEls.get(res.record.id); if (li) li.focus();
  } catch (err) {
    if (err instanceof ApiError && err.body.current) { applyRecord(err.body.current); notice(err.body.current.id, err.message); }
    toast(err instanceof ApiError ? err.message : t('js.board_offline_refused'), 'error');
  }
}

const ctx = { live, boot, url, view, place, orgName, sheet, requestMove, toggleB2B, setHidden, applyRecord, notice,
  online, myTable, cards: cardEls, renderAll };
const details = initDetails(ctx);
initCreate(ctx);

// ---------- events: clicks, keys, drag ----------
const boardEl = $('#board');
const menu = initMoveMenu({ view, targetsFor, requestMove, toggleB2B, openDetails: (id) => details.open(id) });
boardEl.addEventListener('click', (ev) => {
  const card = ev.target.closest('li[data-id]');
  if (!card) return;
  const id = card.dataset.id;
  const btn = ev.target.closest('button[data-act]');
  if (!btn) { // a tap on the card itself: its details (not the end of a drag)
    if (Date.now() - Number(boardEl.dataset.dragEnd || 0) > 400) details.open(id);
    return;
  }
  const act = btn.dataset.act;
  if (act === 'menu') menu.toggle(btn);
  else if (act === 'restore') setHidden(id, false);
});

function focusCard(li) { if (li) { li.focus(); li.scrollIntoView({ block: 'nearest' }); } }
boardEl.addEventListener('keydown', (ev) => {
  const card = ev.target.closest('li[data-id]');
  if (card && ev.target.matches('button[data-act="menu"]') && menu.keydown(ev.target, ev)) return;
  if (!card || ev.target !== card || ev.altKey || ev.ctrlKey || ev.metaKey) return;
  const id = card.dataset.id;
  const vis = visibleCols();
  const k = ev.key;
  if (/^[1-5]$/.test(k) && vis[Number(k) - 1]) { ev.preventDefault(); requestMove(id, vis[Number(k) - 1]); }
  else if (k === 'b' || k === 'B') { ev.preventDefault(); if (!view(id).hidden) toggleB2B(id); }
  else if (k === 'Enter' || k === ' ') { ev.preventDefault(); details.open(id); }
  else if (k === 'ArrowDown') { ev.preventDefault(); focusCard(card.nextElementSibling); }
  else if (k === 'ArrowUp') { ev.preventDefault(); focusCard(card.previousElementSibling); }
  else if (k === 'ArrowRight' || k === 'ArrowLeft') {
    ev.preventDefault();
    const i = vis.indexOf(card.dataset.status) + (k === 'ArrowRight' ? 1 : -1);
    if (vis[i]) focusCard(cols[vis[i]].list.firstElementChild);
  }
});
document.addEventListener('keydown', (ev) => {
  if ((ev.key === 'z' || ev.key === 'Z') && !ev.altKey && !ev.metaKey && !document.querySelector('dialog[open]')) {
    const tag = (ev.target.tagName || '').toLowerCase();
    if (['input', 'textarea', 'select'].includes(tag)) return;
    ev.preventDefault(); undo();
  }
});
$('#undo').addEventListener('click', undo);

initDrag(boardEl, {
  canDrag: (id) => { const r = view(id); return r && !r.hidden; },
  onDrop: (id, status) => requestMove(id, status),
  targetsFor: (id) => { const r = view(id); return r ? targetsFor(r) : []; },
});

// ---------- filters ----------
const form = $('#filters');
form.addEventListener('submit', (ev) => ev.preventDefault());
let qTimer = 0;
function readFilters() {
  filters.q = fold($('#q').value.trim());
  filters.scope = form.elements.scope.value || 'all';
  filters.category = $('#f-cat').value; filters.org = $('#f-org').value; filters.origin = $('#f-origin').value;
  filters.b2b = $('#f-b2b').checked; filters.hidden = $('#f-hidden').checked;
  try { sessionStorage.setItem(`board-filters:${W}`, JSON.stringify({ ...filters, q: $('#q').value })); } catch { /* private mode */ }
  markFilters();
  renderAll();
}
form.addEventListener('change', (ev) => { if (ev.target.id !== 'q') readFilters(); });
$('#q').addEventListener('input', () => { clearTimeout(qTimer); qTimer = setTimeout(readFilters, 150); });
function restoreFilters() {
  let saved = null;
  try { saved = JSON.parse(sessionStorage.getItem(`board-filters:${W}`) || 'null'); } catch { saved = null; }
  if (!saved) return;
  $('#q').value = saved.q || '';
  (saved.scope === 'mine' && hasTable() ? $('#scope-mine') : $('#scope-all')).checked = true;
  $('#f-cat').value = saved.category || ''; $('#f-origin').value = saved.origin || '';
  $('#f-b2b').checked = !!saved.b2b; $('#f-hidden').checked = saved.hidden !== false;
  $('#f-org').dataset.want = saved.org || '';
}
if (!hasTable()) { $('#scope-mine').disabled = true; $('#scope-all').checked = true; }
$('#scope-empty-all').addEventListener('click', () => { $('#scope-all').checked = true; readFilters(); });
// The less used filters fold under one button; it says how many are on.
$('#more-filters-btn').addEventListener('click', () => {
  const panel = $('#more-filters'); panel.hidden = !panel.hidden;
  $('#more-filters-btn').setAttribute('aria-expanded', String(!panel.hidden));
  fitColumns();
});
function markFilters() {
  const n = [filters.category, filters.org, filters.origin, filters.b2b, !filters.hidden].filter(Boolean).length;
  const badge = $('#filters-on'); badge.hidden = !n; badge.textContent = String(n);
}

// ---------- live ----------
let orgTimer = 0;
live.on((kind, d) => {
  if (kind === 'reset') {
    renderOrgOptions();
    const want = $('#f-org').dataset.want; if (want) { $('#f-org').value = want; delete $('#f-org').dataset.want; }
    readFilters();
  } else if (kind === 'change') {
    if (d.entity === 'idea') { place(d.id); details.changed(d.id); }
    else if (d.entity === 'organisation') { clearTimeout(orgTimer); orgTimer = setTimeout(renderOrgOptions, 300); }
  } else if (kind === 'workshop') {
    const want = visibleCols().join();
    if (want !== renderAll.cols) { renderAll.cols = want; renderAll(); }
  } else if (kind === 'connected') {
    outbox.flush();
  } else if (kind === 'refused') {
    toast(d, 'error');
  } else if (kind === 'storage_error') {
    const a = $('#storage-alert'); a.hidden = false; a.textContent = `${t('err.storage')} (${d})`;
  }
});

async function start() {
  restoreFilters();
  try {
    await live.load();
  } catch (err) {
    toast(err instanceof ApiError ? err.message : t('js.board_offline_load'), 'error');
    setTimeout(start, 4000);
    return;
  }
  renderAll.cols = visibleCols().join();
  // Moves queued before a reload: show them as pending on their cards.
  for (const e of outbox.pending()) if (e.kind === 'move') { pending.set(e.ideaId, { status: e.body.status, abandon_reason: e.body.reason || null, _queued: true }); place(e.ideaId); }
  updateQueue();
  if (!live.socket) live.connect();
  document.body.dataset.ready = '1';
}
start();
