// A participant's phone: join an organisation, write sheets, browse the room, propose ideas.
import { ApiError, call, uuid } from './lib/api.js';
import { $, $$, bootData, el, formData, lbl, setCatalogue, showErrors, t, toast } from './lib/dom.js';
import { Live } from './lib/live.js';
import { Outbox } from './lib/outbox.js';
import { PhoneSuggestions } from './lib/phone-suggestions.js';

const boot = bootData();
setCatalogue(boot.i18n);
const W = boot.workshop;
const url = (p) => `/api/w/${W}${p}`;
const live = new Live(W);
let editing = null; // sheet being edited
let interestOpen = null;

const outbox = new Outbox(W, {
  onAck: (e, res) => { if (res && res.record) live.apply({ entity: e.kind, id: res.record.id, record: res.record, seq: res.seq }); render(); },
  onReject: (e) => { toast(`${t('js.rejected')} ${e.error || ''}`, 'error'); render(); },
  onChange: () => { schedule(); renderConn(); },
  onCorrupt: () => toast(t('js.outbox_corrupt'), 'error'),
});

const sugg = new PhoneSuggestions(W, {
  lang: boot.lang,
  onChange: () => schedule(),
  propose: (other) => {
    const id = uuid();
    outbox.add({ id, method: 'POST', url: url('/ideas'), body: { id, sheet_id: other.id }, kind: 'idea', label: other.title });
    toast(t('js.idea_sent'));
  },
});

let frame = 0;
function schedule() { if (!frame) frame = requestAnimationFrame(() => { frame = 0; render(); }); }

function myOrg() { return live.me && live.me.org; }
function orgName(id) { const o = live.maps.organisations.get(id); return o ? o.name : '?'; }
function intakeOpen() { return !live.info || (live.info.intake_open && !['closed', 'locked', 'followup'].includes(live.info.phase)); }
function locked() { return !!live.info && live.info.phase === 'locked'; }

// ---------- connection: say it plainly, and that nothing typed is lost ----------
let conn = 'starting';
let wasOnline = false;
function renderConn() {
  const waiting = outbox.pending().length;
  const down = conn === 'offline' || (conn === 'reconnecting' && wasOnline) || (waiting > 0 && outbox.pending().some((e) => e.attempts > 0));
  const note = $('#offline-note');
  note.hidden = !down;
  if (down) note.textContent = `${t('js.offline_note')}${waiting ? ` ${t('js.waiting_count', { n: waiting })}` : ''}`;
}

// ---------- join ----------
function renderJoin() {
  const q = $('#org-search').value.trim().toLowerCase();
  const list = $('#org-list');
  const orgs = live.list('organisations').filter((o) => !q || o.name.toLowerCase().includes(q))
    .sort((a, b) => a.name.localeCompare(b.name, 'fr'));
  list.replaceChildren(...orgs.map((o) => el('li', {}, el('button', {
    class: 'choice', type: 'button', onclick: () => joinOrg(o),
  }, el('span', { class: 'name', text: o.name }), el('span', { class: 'muted', text: o.commune || '' })))));
}

async function joinOrg(org) {
  if (!confirm(t('js.confirm_join', { name: org.name }))) return;
  try {
    await call('POST', url('/join'), { organisation_id: org.id });
    await restart();
  } catch (err) { toast(err.message, 'error'); }
}

async function restart() {
  await live.load();
  if (live.socket) { live.socket.disconnect(); live.socket.connect(); }
  render();
  outbox.flush();
}

$('#org-search').addEventListener('input', () => renderJoin());
$('#org-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const form = ev.currentTarget;
  const body = { id: form.dataset.id || (form.dataset.id = uuid()), ...formData(form) };
  try {
    await call('POST', url('/organisations'), body);
    delete form.dataset.id;
    await restart();
  } catch (err) {
    showErrors(form, err instanceof ApiError ? err.body : { error: t('js.offline_org') });
  }
});

// ---------- tabs ----------
for (const tab of $$('[role="tab"]')) {
  tab.addEventListener('click', () => {
    for (const other of $$('[role="tab"]')) {
      const on = other === tab;
      other.setAttribute('aria-selected', String(on));
      document.getElementById(other.getAttribute('aria-controls')).hidden = !on;
    }
  });
}

// ---------- sheets ----------
const sheetForm = $('#sheet-form');
function openSheetForm(kind, sheet = null) {
  editing = sheet;
  sheetForm.reset();
  sheetForm.hidden = false;
  showErrors(sheetForm, null);
  $('#sheet-form-title').textContent = sheet ? t('js.edit_sheet') : t('js.new_sheet');
  const k = (sheet && sheet.kind) || kind;
  sheetForm.querySelector(`input[name="kind"][value="${k}"]`).checked = true;
  if (sheet) {
    for (const input of sheetForm.elements) {
      if (!input.name || input.type === 'radio') continue;
      const v = sheet[input.name];
      if (input.type === 'checkbox') input.checked = !!v;
      else input.value = v === null || v === undefined ? '' : String(v);
    }
  }
  sheetForm.querySelector('#f-category').focus();
}
$('#add-offer').addEventListener('click', () => openSheetForm('offer'));
$('#add-need').addEventListener('click', () => openSheetForm('need'));
$('#sheet-cancel').addEventListener('click', () => { sheetForm.hidden = true; editing = null; });

sheetForm.addEventListener('submit', (ev) => {
  ev.preventDefault();
  const data = formData(sheetForm);
  const missing = {};
  if (!data.category) missing.category = t('err.required');
  if (!data.title || data.title.trim().length < 2) missing.title = t('err.required');
  if (Object.keys(missing).length) { showErrors(sheetForm, { error: t('err.invalid'), fields: missing }); return; }
  if (data.quantity !== undefined) data.quantity = data.quantity.replace(',', '.');
  if (editing) {
    const changes = { version: editing.version, request_id: uuid() };
    for (const [k, v] of Object.entries(data)) if (String(editing[k] ?? '') !== String(v)) changes[k] = v;
    for (const input of sheetForm.elements) {
      if (input.name && input.type !== 'checkbox' && input.type !== 'radio' && input.value === '' && editing[input.name]) changes[input.name] = null;
    }
    outbox.add({ id: changes.request_id, method: 'PATCH', url: url(`/sheets/${editing.id}`), body: changes, kind: 'sheet', label: data.title });
  } else {
    const id = uuid();
    outbox.add({ id, method: 'POST', url: url('/sheets'), body: { id, ...data }, kind: 'sheet', label: data.title });
  }
  sheetForm.hidden = true; editing = null;
  toast(t('js.sheet_kept'));
  render();
});

function withdraw(sheet) {
  if (!confirm(t('js.confirm_withdraw', { title: sheet.title }))) return;
  const rid = uuid();
  outbox.add({ id: rid, method: 'PATCH', url: url(`/sheets/${sheet.id}`), body: { version: sheet.version, state: 'withdrawn', request_id: rid }, kind: 'sheet', label: sheet.title });
}

function sheetCard(s, { mine, pending, rejected } = {}) {
  const li = el('li', { class: `card sheet ${s.kind}`, dataset: { id: s.id } },
    el('p', { class: 'kicker' }, el('span', { class: `tag ${s.kind}`, text: lbl('sheet_kind', s.kind) }), ' ', lbl('cat', s.category),
      s.subcategory ? ` · ${lbl('sub', s.subcategory)}` : ''),
    el('h3', { text: s.title }),
    s.quantity !== null && s.quantity !== undefined && s.quantity !== '' ? el('p', { class: 'qty', text: `${String(s.quantity).replace('.', ',')} ${lbl('unit', s.unit) || s.unit_label || ''} ${s.frequency ? `· ${lbl('freq', s.frequency)}` : ''}` }) : null,
    s.description ? el('p', { class: 'desc', text: s.description }) : null,
    !mine ? el('p', { class: 'muted', text: s.anonymous ? t('js.anonymous_org') : orgName(s.organisation_id) }) : null);
  if (mine) {
    const state = rejected ? el('p', { class: 'state rejected', role: 'status', text: `${t('js.state_rejected')} ${rejected}` })
      : pending ? el('p', { class: 'state pending', role: 'status', text: t('js.state_pending') })
        : el('p', { class: 'state saved', text: s.state === 'withdrawn' ? t('state.withdrawn') : t('js.state_saved') });
    li.append(state);
    if (s.visibility === 'facilitators') li.append(el('p', { class: 'muted', text: t('vis.facilitators') }));
    if (!pending && !rejected && s.state !== 'withdrawn') {
      const forYou = sugg.block(s, { canPropose: intakeOpen() });
      if (forYou) li.append(forYou);
    }
    if (!pending && !rejected && s.state !== 'withdrawn' && !locked()) {
      li.append(el('div', { class: 'row gap' },
        el('button', { class: 'btn', type: 'button', onclick: () => openSheetForm(s.kind, s), 'aria-label': `${t('js.edit')} — ${s.title}`, text: t('js.edit') }),
        el('button', { class: 'btn danger', type: 'button', onclick: () => withdraw(s), 'aria-label': `${t('js.withdraw')} — ${s.title}`, text: t('js.withdraw') })));
    }
  } else if (intakeOpen()) {
    const btn = el('button', { class: 'btn primary', type: 'button', 'aria-expanded': String(interestOpen === s.id), text: t('js.interested'), onclick: () => { interestOpen = interestOpen === s.id ? null : s.id; render(); } });
    li.append(btn);
    if (interestOpen === s.id) li.append(interestForm(s));
  }
  return li;
}

function interestForm(s) {
  const cid = `c-${s.id}`;
  const form = el('form', { class: 'stack interest', novalidate: true },
    el('label', { for: cid, text: t('js.comment_optional') }),
    el('textarea', { id: cid, name: 'comment', maxlength: 2000, rows: 2 }),
    el('button', { class: 'btn primary', type: 'submit', text: t('js.propose_idea') }));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const id = uuid();
    const comment = form.elements.comment.value.trim();
    outbox.add({ id, method: 'POST', url: url('/ideas'), body: { id, sheet_id: s.id, ...(comment ? { comment } : {}) }, kind: 'idea', label: s.title });
    interestOpen = null;
    toast(t('js.idea_sent'));
    render();
  });
  return form;
}

// ---------- pooling ----------
$('#pool-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const form = ev.currentTarget;
  const title = form.elements.title.value.trim();
  const orgs = $$('#pool-orgs input:checked').map((i) => i.value);
  const fields = {};
  if (title.length < 2) fields.title = t('err.required');
  if (!orgs.length) fields.org_ids = t('err.two_orgs');
  if (Object.keys(fields).length) { showErrors(form, { error: t('err.invalid'), fields }); return; }
  const id = uuid();
  const description = form.elements.description.value.trim();
  outbox.add({ id, method: 'POST', url: url('/ideas'), body: { id, kind: 'pooling', title, org_ids: orgs, ...(description ? { description } : {}) }, kind: 'idea', label: title });
  form.reset(); showErrors(form, null);
  toast(t('js.idea_sent'));
});

// ---------- render ----------
function render() {
  const org = myOrg();
  $('#join').hidden = !!org;
  $('#space').hidden = !org;
  const closed = !intakeOpen();
  const note = $('#closed-note');
  note.hidden = !closed;
  if (closed) {
    note.dataset.reason = locked() ? 'locked' : 'closed';
    note.textContent = locked() ? t('js.locked_note') : t('js.closed_note');
  }
  for (const b of ['#add-offer', '#add-need', '#pool-form button[type=submit]', '#org-form button[type=submit]']) $(b).disabled = closed;
  $('#sheet-form button[type=submit]').disabled = locked() || (closed && !editing);
  renderConn();
  if (!org) { renderJoin(); return; }
  $('#my-org-name').textContent = orgName(org);

  const entries = outbox.entries().filter((e) => e.kind === 'sheet');
  const pendingIds = new Map();
  for (const e of entries) pendingIds.set(e.body.id || e.url.split('/').pop(), e);
  const mine = live.list('sheets').filter((s) => s.organisation_id === org);
  const cards = [];
  for (const e of entries) {
    if (e.method === 'POST' && !live.maps.sheets.has(e.body.id)) cards.push(sheetCard({ ...e.body, organisation_id: org }, { mine: true, pending: !e.rejected, rejected: e.rejected ? e.error : null }));
  }
  for (const s of mine.sort((a, b) => (b.created_at || '').localeCompare(a.created_at || ''))) {
    const p = pendingIds.get(s.id);
    cards.push(sheetCard(s, { mine: true, pending: p && !p.rejected, rejected: p && p.rejected ? p.error : null }));
  }
  $('#my-sheets').replaceChildren(...cards);
  $('#mine-empty').hidden = cards.length > 0;
  for (const e of outbox.rejected()) {
    if (!$(`#discard-${CSS.escape(e.id)}`)) {
      const card = $(`#my-sheets [data-id="${CSS.escape(e.body && e.body.id ? e.body.id : e.url.split('/').pop())}"]`);
      if (card) card.append(el('button', { id: `discard-${e.id}`, class: 'btn', type: 'button', text: t('js.discard'), onclick: () => { outbox.drop(e.id); render(); } }));
    }
  }

  const kind = $('#room-kind').value; const cat = $('#room-cat').value;
  const room = live.list('sheets').filter((s) => s.organisation_id !== org && s.state !== 'withdrawn'
    && (!kind || s.kind === kind) && (!cat || s.category === cat))
    .sort((a, b) => (b.created_at || '').localeCompare(a.created_at || ''));
  if ($('#room-sort').value === 'relevance') room.sort((a, b) => sugg.score(b.id) - sugg.score(a.id));
  $('#room-sheets').replaceChildren(...room.slice(0, 300).map((s) => sheetCard(s)));
  $('#room-count').textContent = t('js.room_count', { n: room.length });

  const others = live.list('organisations').filter((o) => o.id !== org).sort((a, b) => a.name.localeCompare(b.name, 'fr'));
  const checked = new Set($$('#pool-orgs input:checked').map((i) => i.value));
  $('#pool-orgs').replaceChildren(...others.map((o) => el('div', { class: 'check' },
    el('input', { type: 'checkbox', id: `po-${o.id}`, value: o.id, checked: checked.has(o.id) }), el('label', { for: `po-${o.id}`, text: o.name }))));

  const pendingIdeas = outbox.entries().filter((e) => e.kind === 'idea' && !live.maps.ideas.has(e.body.id));
  const ideas = live.list('ideas').sort((a, b) => (b.created_at || '').localeCompare(a.created_at || ''));
  $('#my-ideas').replaceChildren(
    ...pendingIdeas.map((e) => el('li', { class: 'card idea' }, el('h3', { text: e.body.title || e.label }), el('p', { class: `state ${e.rejected ? 'rejected' : 'pending'}`, text: e.rejected ? `${t('js.state_rejected')} ${e.error}` : t('js.state_pending') }))),
    ...ideas.map((i) => el('li', { class: 'card idea', dataset: { id: i.id } },
      el('p', { class: 'kicker' }, el('span', { class: `status s-${i.status}`, text: lbl('status', i.status) }), i.b2b ? el('span', { class: 'tag b2b', text: 'BtoB' }) : null),
      el('h3', { text: i.title }),
      el('p', { class: 'muted', text: (i.org_ids || []).map(orgName).join(i.kind === 'exchange' ? ' → ' : ' · ') }),
      i.next_step ? el('p', { text: `${t('js.next_step')} ${i.next_step}` }) : null)));
  $('#ideas-count').textContent = String(ideas.length + pendingIdeas.length);
  $('#ideas-empty').hidden = ideas.length + pendingIdeas.length > 0;
}

$('#room-kind').addEventListener('change', render);
$('#room-cat').addEventListener('change', render);
$('#room-sort').addEventListener('change', () => { if ($('#room-sort').value === 'relevance') sugg.loadRelevance().catch(() => {}); render(); });

live.on((kind, detail) => {
  if (kind === 'conn') { conn = detail; if (detail === 'online') wasOnline = true; renderConn(); return; }
  if (kind !== 'seq') schedule();
  if (kind === 'connected') outbox.flush();
});
live.on((kind, detail) => { if (kind === 'refused') toast(detail, 'error'); });

async function start() {
  try {
    await live.load();
  } catch (err) {
    // Offline at load: show what the outbox holds; the page retries when the network is back.
    toast(err instanceof ApiError ? err.message : t('js.offline'), 'error');
    live.me = live.me || { org: boot.me.org };
    render();
    setTimeout(start, 4000);
    return;
  }
  render();
  if (!live.socket) live.connect();
  sugg.attach(live.socket);
  sugg.start();
  outbox.flush();
}
start();
