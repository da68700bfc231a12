// The planning grid: slots x places. The organiser plans in one tap, drags a meeting to a cell
// to pin it there (or selects it, then taps a cell), drags it back to the tray to unpin it, sets
// sessions, places and who is there when. Facilitators see it too, their table's meetings
// marked, and mark meetings held / no-show / cancelled.
import { call } from './lib/api.js';
import { $, bootData, el, setCatalogue, showErrors, toast } from './lib/dom.js';
import { Meetings } from './lib/meetings.js';
import { formatNumber } from './lib/counters.js';

const boot = bootData();
setCatalogue(boot.i18n);
const mm = new Meetings(boot.workshop);
const organiser = boot.role === 'organiser';
let T = {};
const t = (k, p) => { let s = T[k] || k; for (const [a, b] of Object.entries(p || {})) s = s.replaceAll(`{${a}}`, String(b)); return s; };
let selected = null;
let lastPlan = null;
const url = (p) => `/api/w/${encodeURIComponent(boot.workshop)}${p}`;

async function post(path, body, ok) {
  try {
    const out = await call('POST', url(path), body);
    if (ok) toast(ok);
    mm.refresh();
    return out;
  } catch (e) {
    toast((e.body && e.body.error) || e.message, 'error');
    mm.refresh();
    throw e;
  }
}

const short = (name) => (name.length > 22 ? `${name.slice(0, 21)}…` : name);
const names = (m) => (m.org_ids || []).map((o) => mm.orgName(o));

function myTable(m) {
  if (boot.role !== 'facilitator' || !boot.me.table) return false;
  const p = mm.place(m.place_id);
  if (p && new RegExp(`\\b${boot.me.table}$`).test(p.name)) return true;
  return (m.org_ids || []).some((o) => { const org = mm.org(o); return org && org.table_no === boot.me.table; });
}

function card(m) {
  const c = el('button', {
    type: 'button', class: `mcard${m.locked ? ' locked' : ''} st-${m.status || 'planned'}${selected === m.id ? ' selected' : ''}`,
    draggable: organiser ? 'true' : null, dataset: { meeting: m.id }, title: `${names(m).join(' × ')}${mm.title(m) ? ` — ${mm.title(m)}` : ''}`,
    'aria-pressed': selected === m.id ? 'true' : 'false',
  }, m.locked ? el('span', { class: 'lock', text: '⚑', title: t('b2b.locked') }) : null, names(m).map(short).join(' × '));
  c.addEventListener('dragstart', (ev) => { dragging = true; ev.dataTransfer.setData('text/plain', m.id); ev.dataTransfer.effectAllowed = 'move'; });
  c.addEventListener('dragend', () => { dragging = false; if (stale) render(); });
  c.addEventListener('click', (ev) => { ev.stopPropagation(); selected = selected === m.id ? null : m.id; render(); });
  return c;
}

function dropTarget(node, onDrop) {
  if (!organiser) return;
  node.addEventListener('dragover', (ev) => { ev.preventDefault(); node.classList.add('drop-ok'); });
  node.addEventListener('dragleave', () => node.classList.remove('drop-ok'));
  node.addEventListener('drop', (ev) => {
    ev.preventDefault(); node.classList.remove('drop-ok');
    const id = ev.dataTransfer.getData('text/plain');
    if (id) onDrop(id);
  });
}

function pin(id, slot, placeId) {
  const m = mm.board.meetings.find((x) => x.id === id);
  if (!m) return;
  selected = null;
  render();  // the card is no longer selected, whatever the answer (a refusal changes nothing to redraw)
  post(`/meetings/${id}/place`, { version: m.version, slot, place_id: placeId, locked: true }, t('b2b.pinned')).catch(() => {});
}

function unpin(id) {
  const m = mm.board.meetings.find((x) => x.id === id);
  if (!m || !m.locked) return;
  post(`/meetings/${id}/place`, { version: m.version, locked: false }, t('b2b.unpinned')).catch(() => {});
}

function renderGrid() {
  const { slots, places } = mm.board;
  const at = new Map();
  for (const m of mm.planned()) at.set(`${m.slot}|${m.place_id}`, m);
  const onlyMine = $('#my-table-only') && $('#my-table-only').checked;
  const head = el('tr', {}, el('th', { scope: 'col', text: t('b2b.slot') }), ...places.map((p) => el('th', { scope: 'col', text: `${p.name} (${p.capacity})` })));
  const rows = slots.map((s) => el('tr', { dataset: { slot: s.index } },
    el('th', { scope: 'row', text: `${s.start}–${s.end}` }),
    ...places.map((p) => {
      const m = at.get(`${s.index}|${p.id}`);
      const td = el('td', { dataset: { slot: s.index, place: p.id } });
      if (m && !(onlyMine && !myTable(m))) td.append(card(m));
      if (m && myTable(m)) td.classList.add('mine-table');
      dropTarget(td, (id) => pin(id, s.index, p.id));
      td.addEventListener('click', () => { if (organiser && selected && !m) pin(selected, s.index, p.id); });
      return td;
    })));
  $('#grid').replaceChildren(el('thead', {}, head), el('tbody', {}, ...rows));
}

function renderSide() {
  const b = mm.board;
  const stats = b.plan || (lastPlan && lastPlan.stats);
  const dl = $('#stats');
  if (stats) {
    const rows = [[t('b2b.placed'), `${stats.placed} / ${stats.meetings}`], [t('b2b.slots_used'), `${stats.slots_used} (${t('b2b.lower_bound')} ${stats.lower_bound})`],
      [t('b2b.optimal'), stats.optimal ? t('b2b.yes_proven') : t('b2b.not_proven')],
      [t('b2b.idle'), `${stats.idle_total} (${t('b2b.idle_worst')} ${stats.idle_worst})`], [t('b2b.solver'), `${stats.solver} · ${stats.seconds} s`]];
    dl.replaceChildren(...rows.flatMap(([k, v]) => [el('dt', { text: k }), el('dd', { text: v })]));
  } else dl.replaceChildren(el('dd', { class: 'muted', text: t('b2b.not_planned') }));
  const unplaced = b.meetings.filter((m) => m.request_status === 'accepted' && m.status !== 'cancelled' && m.unplaced_reason);
  $('#unplaced').replaceChildren(...unplaced.map((m) => el('li', {}, el('strong', { text: names(m).join(' × ') }), ' — ',
    t(`b2b.reason.${m.unplaced_reason.reason}`, { who: (m.unplaced_reason.participants || []).map((o) => mm.orgName(o)).join(', ') }))));
  const tray = $('#tray');
  const loose = b.meetings.filter((m) => m.request_status === 'accepted' && m.status !== 'cancelled' && (m.slot === null || m.slot === undefined));
  tray.replaceChildren(...(loose.length ? loose.map(card) : [el('p', { class: 'muted', text: t('b2b.tray_empty') })]));
  $('#tray-count').textContent = loose.length ? `(${formatNumber(loose.length)})` : '';  // the tray scrolls: say how many
  const pending = b.meetings.filter((m) => m.request_status === 'pending');
  $('#pending').replaceChildren(...(pending.length ? pending.map((m) => el('li', {},
    el('span', { text: `${names(m).join(' × ')} ` }),
    el('span', { class: 'muted', text: t('b2b.waiting_for', { who: (m.org_ids || []).filter((o) => !(m.accepted_by || []).includes(o)).map((o) => mm.orgName(o)).join(', ') }) }),
    organiser ? el('button', { type: 'button', class: 'btn', text: t('b2b.accept_for_them'),
      onclick: () => post(`/meetings/${m.id}/answer`, { version: m.version, answer: 'accept' }, t('b2b.accepted')).catch(() => {}) }) : null))
    : [el('li', { class: 'muted', text: t('b2b.no_pending') })]));
  renderDetail();
}

function renderDetail() {
  const box = $('#detail');
  const m = selected && mm.board.meetings.find((x) => x.id === selected);
  box.hidden = !m;
  if (!m) return;
  const s = mm.slot(m.slot);
  const status = (st) => el('button', { type: 'button', class: `btn${m.status === st ? ' primary' : ''}`, text: t(`b2b.status.${st}`),
    onclick: () => post(`/meetings/${m.id}/status`, { version: m.version, status: st }).catch(() => {}) });
  $('#detail-body').replaceChildren(
    el('p', {}, el('strong', { text: names(m).join(' × ') })),
    mm.title(m) ? el('p', { class: 'muted', text: mm.title(m) }) : null,
    el('p', { text: s ? `${s.start}–${s.end} · ${mm.placeName(m.place_id)}` : t('b2b.not_planned') }),
    el('div', { class: 'row gap' }, status('held'), status('no_show'), status('cancelled')),
    organiser && m.locked ? el('button', { type: 'button', class: 'btn', text: t('b2b.unpin'), onclick: () => unpin(m.id) }) : null,
    organiser ? el('p', { class: 'hint', text: t('b2b.tap_cell') }) : null);
}

// -- set-up -------------------------------------------------------------------------------------
function sessionRow(s = { start: '', end: '' }) {
  const row = el('div', {},
    el('label', {}, t('b2b.start'), el('input', { type: 'time', class: 's-start', value: s.start, required: true })),
    el('label', {}, t('b2b.end'), el('input', { type: 'time', class: 's-end', value: s.end, required: true })),
    el('button', { type: 'button', class: 'btn', text: '✕', 'aria-label': t('b2b.remove'), onclick: () => row.remove() }));
  return row;
}

function placeRow(p = { name: '', capacity: 4 }) {
  const row = el('div', { dataset: { id: p.virtual ? '' : (p.id || '') } },
    el('label', {}, t('b2b.place_name'), el('input', { type: 'text', class: 'p-name', value: p.name, maxlength: '60', required: true })),
    el('label', {}, t('b2b.capacity'), el('input', { type: 'number', class: 'p-cap', value: p.capacity, min: '2', max: '100' })),
    el('button', { type: 'button', class: 'btn', text: '✕', 'aria-label': t('b2b.remove'), onclick: () => row.remove() }));
  return row;
}

function fillSetup() {
  const form = $('#setup-form');
  if (!form || form.dataset.filled === String(mm.board.seq) || form.contains(document.activeElement)) return;
  const { setup, places } = mm.board;
  $('#sessions').replaceChildren(...setup.sessions.map(sessionRow));
  $('#places').replaceChildren(...places.map(placeRow));
  form.slot_minutes.value = setup.slot_minutes;
  form.pause_minutes.value = setup.pause_minutes;
  form.dataset.filled = String(mm.board.seq);
  const att = new Map((mm.board.attendance || []).map((a) => [a.id, a]));
  const involved = new Set(mm.board.meetings.filter((m) => m.request_status !== 'cancelled').flatMap((m) => m.org_ids || []));
  const rows = (mm.board.organisations || []).filter((o) => involved.has(o.id)).map((o) => {
    const a = att.get(o.id) || {};
    const input = (cls, type, value, label) => el('input', { class: cls, type, value: value ?? '', 'aria-label': `${label} — ${o.name}`, min: type === 'number' ? '0' : null, max: type === 'number' ? '20' : null });
    const tr = el('tr', { dataset: { org: o.id } }, el('td', { text: o.name }),
      el('td', {}, input('people', 'number', a.people ?? 1, t('b2b.people'))),
      el('td', {}, input('arrives', 'time', a.arrives, t('b2b.arrives'))), el('td', {}, input('leaves', 'time', a.leaves, t('b2b.leaves'))));
    tr.addEventListener('change', () => {
      const v = (c) => tr.querySelector(`.${c}`).value;
      post(`/organisations/${o.id}/attendance`, { people: v('people') === '' ? 1 : Number(v('people')), arrives: v('arrives') || null, leaves: v('leaves') || null }, t('b2b.saved')).catch(() => {});
    });
    return tr;
  });
  $('#attendance').replaceChildren(...rows);
}

function wireSetup() {
  const form = $('#setup-form');
  if (!form) return;
  $('#add-session').addEventListener('click', () => $('#sessions').append(sessionRow()));
  $('#add-place').addEventListener('click', () => $('#places').append(placeRow({ name: `Table ${$('#places').children.length + 1}`, capacity: 4 })));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const body = {
      sessions: Array.from($('#sessions').children).map((r) => ({ start: r.querySelector('.s-start').value, end: r.querySelector('.s-end').value })),
      places: Array.from($('#places').children).map((r) => ({ ...(r.dataset.id ? { id: r.dataset.id } : {}), name: r.querySelector('.p-name').value, capacity: Number(r.querySelector('.p-cap').value) })),
      slot_minutes: Number(form.slot_minutes.value), pause_minutes: Number(form.pause_minutes.value),
    };
    try { await call('POST', url('/meetings/setup'), body); showErrors(form, null); toast(t('b2b.saved')); form.dataset.filled = ''; mm.refresh(); }
    catch (e) { showErrors(form, e.body || { error: e.message }); }
  });
}

// A change arriving while a card is dragged waits for the drop: redrawing the grid under the pointer
// would take the card and its target away and lose the drag.
let dragging = false;
let stale = false;

function render() {
  if (dragging) { stale = true; return; }
  stale = false;
  T = mm.board.i18n || {};
  renderGrid();
  renderSide();
  fillSetup();
}

mm.on(render);
wireSetup();
dropTarget($('#tray'), unpin);
if ($('#my-table-only')) $('#my-table-only').addEventListener('change', render);
if ($('#plan-btn')) {
  $('#plan-btn').addEventListener('click', async () => {
    const btn = $('#plan-btn');
    btn.disabled = true;
    $('#plan-state').textContent = t('b2b.planning');
    try {
      lastPlan = await post('/meetings/plan', { time_limit: 10 });
      const s = lastPlan.stats;
      $('#plan-state').textContent = t('b2b.plan_done', { placed: s.placed, total: s.meetings, slots: s.slots_used });
    } catch { $('#plan-state').textContent = ''; }
    btn.disabled = false;
  });
}
document.addEventListener('keydown', (ev) => { if (ev.key === 'Escape' && selected) { selected = null; render(); } });
mm.connect();
mm.load().catch((e) => toast(e.message, 'error'));
