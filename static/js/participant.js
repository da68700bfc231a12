// A participant's phone: join an organisation, write sheets, browse the room, propose ideas.
import { ApiError, call, uuid } from './lib/api.js';
import { $, $$, asNumber, bootData, el, formData, lbl, reconcile, refocus, setCatalogue, showErrors, t, toast } from './lib/dom.js';
import { JoinConsent } from './lib/join-consent.js';
import { sharedLive } from './lib/live.js';
import { Outbox } from './lib/outbox.js';
import { orgSuggest } from './lib/org-suggest.js';
import { messages, validate } from './lib/validate.js';
import { PhoneSuggestions } from './lib/phone-suggestions.js';

const boot = bootData();
setCatalogue(boot.i18n);
const W = boot.workshop;
const url = (p) => `/api/w/${W}${p}`;
const live = sharedLive(W); // shared with the page's meetings module: one socket per phone
let editing = null; // sheet being edited
let retrying = null; // a refused outbox entry reopened in the form
let interestOpen = null;
const SCHEMAS = boot.schemas || {};
const ROOM_PAGE = 30; // "La salle" shows this many cards, then more on demand
let roomLimit = ROOM_PAGE;

// Errors next to their field; the first one scrolled into view (opening its fold) and focused.
function showFieldErrors(form, err) {
  showErrors(form, err);
  const first = form.querySelector('[aria-invalid="true"]') || form.querySelector('.form-error:not([hidden])');
  if (!first) return;
  const fold = first.closest('details');
  if (fold) fold.open = true;
  first.scrollIntoView({ block: 'center' });
  if (first.matches('input, select, textarea')) first.focus({ preventScroll: true });
}

// The server's own rules (embedded schemas): a bad field is refused here, before anything is called saved.
function localErrors(schemaName, body) {
  const schema = SCHEMAS[schemaName];
  if (!schema) return null;
  const { errors } = validate(schema, body);
  return Object.keys(errors).length ? { error: t('js.fix_fields'), fields: messages(errors, t) } : null;
}

const outbox = new Outbox(W, {
  onAck: (e, res) => { if (res && res.record) live.apply({ entity: e.kind, id: res.record.id, record: res.record, seq: res.seq }); render(); },
  onReject: (e) => {
    render();
    if (e.kind === 'sheet') { reopenRefused(e); return; }
    toast(`${t('js.rejected')} ${e.error || ''}`, 'error');
  },
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

const fold = (s) => String(s || '').toLocaleLowerCase('fr').normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[’']/g, ' ');
function myOrg() { return live.me && live.me.org; }
function orgName(id) { const o = live.maps.organisations.get(id); return o ? o.name : '?'; }
function intakeOpen() { return !live.info || (live.info.intake_open && !['closed', 'locked', 'followup'].includes(live.info.phase)); }
function locked() { return !!live.info && live.info.phase === 'locked'; }

// ---------- connection: say it plainly, and that nothing typed is lost ----------
let conn = 'starting';
let wasOnline = false;
function renderConn() {
  const waiting = outbox.pending().length;
  // The socket itself is the truth: other modules' sockets also paint the shared indicator, and the
  // 'conn' events of this one can arrive in any order with the outbox's own retries.
  const linked = live.socket ? live.socket.connected && navigator.onLine : conn === 'online';
  const down = (!linked && (conn === 'offline' || (conn === 'reconnecting' && wasOnline)))
    || (waiting > 0 && outbox.pending().some((e) => e.attempts > 0));
  const note = $('#offline-note');
  note.hidden = !down;
  if (down) note.textContent = `${t('js.offline_note')}${waiting ? ` ${t('js.waiting_count', { n: waiting })}` : ''}`;
}

// ---------- join ----------
function renderJoin() {
  const q = fold($('#org-search').value.trim());
  const list = $('#org-list');
  const orgs = live.list('organisations').filter((o) => !q || fold(`${o.name} ${o.commune || ''}`).includes(q))
    .sort((a, b) => a.name.localeCompare(b.name, 'fr'));
  // Organisations join by the dozen at the start: a choice stays the same button while others arrive.
  reconcile(list, orgs, (o) => o.id, (o) => el('li', {}, el('button', {
    class: 'choice', type: 'button', onclick: () => joinOrg(o),
  }, el('span', { class: 'name', text: o.name }), el('span', { class: 'muted', text: o.commune || '' }))));
}

async function joinOrg(org) {
  if (!confirm(t('js.confirm_join', { name: org.name }))) return;
  try {
    await consent.join(org);
  } catch (err) { toast(err.message, 'error'); }
}

async function restart() {
  await live.load();
  if (live.socket) { live.socket.disconnect(); live.socket.connect(); }
  render();
  outbox.flush();
}

const consent = new JoinConsent({ live, url, restart: () => restart(), orgName, changed: () => schedule() });

$('#org-search').addEventListener('input', () => renderJoin());
// Typing a new organisation's name proposes the existing close ones first ("Garage Bernard" -> "Garage Bernard & Fils").
const orgSuggestions = orgSuggest($('#f-name'), $('#org-suggest'), { url: url('/organisations/suggest'), onPick: (o) => joinOrg(o),
  pickLabel: t('js.suggest_join') });
$('#org-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const form = ev.currentTarget;
  const body = { id: form.dataset.id || (form.dataset.id = uuid()), ...formData(form) };
  const bad = localErrors('OrganisationCreate', body);
  if (bad) { showFieldErrors(form, bad); return; }
  if ((await orgSuggestions.check()).length && !orgSuggestions.confirmedNew()) {
    showErrors(form, { error: t('js.suggest_first'), fields: { name: t('js.suggest_first') } });
    const pick = $('#org-suggest .suggest-pick'); if (pick) { pick.scrollIntoView({ block: 'center' }); pick.focus({ preventScroll: true }); }
    return;
  }
  try {
    await call('POST', url('/organisations'), body);
    delete form.dataset.id;
    await restart();
  } catch (err) {
    showFieldErrors(form, err instanceof ApiError ? err.body : { error: t('js.offline_org') });
  }
});

// ---------- tabs ----------
// Every tab of the phone's tab list (templates/participant/space.html) works the same way.
const phoneTabs = () => $$('.phone-tabs [role="tab"]');
function selectTab(tab) {
  for (const other of phoneTabs()) {
    const on = other === tab;
    other.setAttribute('aria-selected', String(on));
    other.tabIndex = on ? 0 : -1;
    document.getElementById(other.getAttribute('aria-controls')).hidden = !on;
  }
  // Back to the top of the section, below the sticky tabs.
  const head = $('.phone-tabs');
  if (head.getBoundingClientRect().top <= parseFloat(getComputedStyle(head).top) + 1) head.parentElement.querySelector('.space-head').scrollIntoView();
  document.dispatchEvent(new CustomEvent('phone:tab', { detail: tab.id.replace(/^tab-/, '') }));
}
for (const tab of phoneTabs()) {
  tab.addEventListener('click', () => selectTab(tab));
  tab.addEventListener('keydown', (ev) => {
    if (ev.key !== 'ArrowRight' && ev.key !== 'ArrowLeft') return;
    const all = phoneTabs(); const i = all.indexOf(tab) + (ev.key === 'ArrowRight' ? 1 : -1);
    const next = all[(i + all.length) % all.length]; selectTab(next); next.focus();
  });
}

// ---------- sheets ----------
const sheetForm = $('#sheet-form');
function openSheetForm(kind, sheet = null, { values = null, refused = null } = {}) {
  editing = sheet;
  if (!refused) retrying = null;
  sheetForm.reset();
  sheetForm.hidden = false;
  showErrors(sheetForm, null);
  $('#sheet-form-title').textContent = sheet ? t('js.edit_sheet') : t('js.new_sheet');
  const k = (sheet && sheet.kind) || kind;
  sheetForm.querySelector(`input[name="kind"][value="${k}"]`).checked = true;
  const shown = values ? { ...(sheet || {}), ...values } : sheet;
  if (shown) {
    for (const input of sheetForm.elements) {
      if (!input.name || input.type === 'radio') continue;
      const v = shown[input.name];
      if (input.type === 'checkbox') input.checked = !!v;
      else input.value = v === null || v === undefined ? '' : String(v).replace(input.name === 'quantity' && typeof v === 'number' ? '.' : '\u0000', ',');
    }
  }
  // the text an imported file gave for a value not in the list is shown only where there is one
  for (const box of sheetForm.querySelectorAll('.as-written')) box.hidden = !box.querySelector('input').value;
  if (refused) { showFieldErrors(sheetForm, refused); return; }
  sheetForm.querySelector('#f-category').focus();
}

// The server refused a sheet the phone had kept (sent later from the outbox): the form comes back with
// what was typed, the field marked and the server's message, instead of a dead "refused" card.
function reopenRefused(e) {
  const sheetId = e.method === 'POST' ? e.body.id : e.url.split('/').pop();
  const sheet = e.method === 'PATCH' ? live.maps.sheets.get(sheetId) || null : null;
  selectTab($('#tab-mine'));
  retrying = e;
  const values = { ...e.body }; delete values.id; delete values.version; delete values.request_id;
  openSheetForm(values.kind || (sheet && sheet.kind) || 'offer', sheet, { values, refused: {
    error: t('js.sheet_refused', { title: e.label || values.title || '' }) + (e.error ? ` ${e.error}` : ''),
    fields: e.fields || {} } });
  if (e.current && sheet) live.apply({ entity: 'sheet', id: sheet.id, record: e.current });
}
$('#add-offer').addEventListener('click', () => openSheetForm('offer'));
$('#add-need').addEventListener('click', () => openSheetForm('need'));
$('#sheet-cancel').addEventListener('click', () => { sheetForm.hidden = true; editing = null; retrying = null; });

sheetForm.addEventListener('submit', (ev) => {
  ev.preventDefault();
  const data = formData(sheetForm);
  if (data.quantity !== undefined) data.quantity = asNumber(data.quantity);
  if (editing && editing.version === undefined) editing = live.maps.sheets.get(editing.id) || editing;
  if (editing) {
    const changes = { version: editing.version, request_id: uuid() };
    for (const [k, v] of Object.entries(data)) if (String(editing[k] ?? '') !== String(v)) changes[k] = v;
    for (const input of sheetForm.elements) {
      if (input.name && input.type !== 'checkbox' && input.type !== 'radio' && input.value === '' && editing[input.name]) changes[input.name] = null;
    }
    const bad = localErrors('SheetUpdate', changes);
    if (bad) { showFieldErrors(sheetForm, bad); return; }
    if (retrying) outbox.drop(retrying.id);
    outbox.add({ id: changes.request_id, method: 'PATCH', url: url(`/sheets/${editing.id}`), body: changes, kind: 'sheet', label: data.title });
  } else {
    // A refused sheet typed again keeps its id: still one sheet, whichever copy arrives.
    const id = retrying && retrying.method === 'POST' ? retrying.body.id : uuid();
    const body = { id, ...data };
    const bad = localErrors('SheetCreate', body);
    if (bad) { showFieldErrors(sheetForm, bad); return; }
    if (retrying) outbox.drop(retrying.id);
    outbox.add({ id, method: 'POST', url: url('/sheets'), body, kind: 'sheet', label: data.title });
  }
  sheetForm.hidden = true; editing = null; retrying = null;
  // No toast: the card itself says "waiting" then "saved" (a toast would stay on top of its buttons).
  render();
  const card = $('#my-sheets > li');
  if (card) card.scrollIntoView({ block: 'nearest' });
});

function withdraw(sheet) {
  if (!confirm(t('js.confirm_withdraw', { title: sheet.title }))) return;
  const rid = uuid();
  outbox.add({ id: rid, method: 'PATCH', url: url(`/sheets/${sheet.id}`), body: { version: sheet.version, state: 'withdrawn', request_id: rid }, kind: 'sheet', label: sheet.title });
}

function sheetCard(s, { mine, pending, rejected, refused = [] } = {}) {
  const li = el('li', { class: `card sheet ${s.kind}`, dataset: { id: s.id } },
    el('p', { class: 'kicker' }, el('span', { class: `tag ${s.kind}`, text: lbl('sheet_kind', s.kind) }), ' ', lbl('cat', s.category),
      s.subcategory ? ` · ${lbl('sub', s.subcategory)}` : ''),
    el('h3', { text: s.title }),
    s.quantity !== null && s.quantity !== undefined && s.quantity !== '' ? el('p', { class: 'qty', text: `${String(s.quantity).replace('.', ',')} ${lbl('unit', s.unit) || s.unit_label || ''} ${s.frequency ? `· ${lbl('freq', s.frequency)}` : ''}` }) : null,
    s.description ? el('p', { class: 'desc', text: s.description }) : null,
    !mine ? el('p', { class: 'muted org', text: s.anonymous ? t('js.anonymous_org') : orgName(s.organisation_id) }) : null);
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
    for (const id of refused) li.append(el('button', { id: `discard-${id}`, class: 'btn', type: 'button', text: t('js.discard'), onclick: () => { outbox.drop(id); render(); } }));
  } else if (intakeOpen()) {
    const btn = el('button', { class: 'btn primary interest-btn', type: 'button', 'aria-expanded': String(interestOpen === s.id), text: t('js.interested'), onclick: () => { interestOpen = interestOpen === s.id ? null : s.id; render(); } });
    const foot = el('div', { class: 'sheet-foot' }, li.querySelector('.org'), btn);
    li.append(foot);
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
  const waiting = consent.render();
  $('#join').hidden = !!org || waiting;
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
  const sheetOf = (e) => e.body.id || e.url.split('/').pop();
  const pendingIds = new Map();
  for (const e of entries) pendingIds.set(sheetOf(e), e);
  const refused = (id) => entries.filter((e) => e.rejected && sheetOf(e) === id).map((e) => e.id); // each with its "discard"
  const mine = live.list('sheets').filter((s) => s.organisation_id === org);
  const cards = [];
  for (const e of entries) {
    if (e.method === 'POST' && !live.maps.sheets.has(e.body.id)) cards.push({ s: { ...e.body, organisation_id: org }, pending: !e.rejected, rejected: e.rejected ? e.error : null });
  }
  for (const s of mine.sort((a, b) => (b.created_at || '').localeCompare(a.created_at || ''))) {
    const p = pendingIds.get(s.id);
    cards.push({ s, pending: !!p && !p.rejected, rejected: p && p.rejected ? p.error : null });
  }
  for (const c of cards) c.refused = refused(c.s.id);
  reconcile($('#my-sheets'), cards, (c) => c.s.id, (c) => sheetCard(c.s, { mine: true, ...c }));
  $('#mine-empty').hidden = cards.length > 0;

  renderRoom();
  renderPoolOrgs();

  const pendingIdeas = outbox.entries().filter((e) => e.kind === 'idea' && !live.maps.ideas.has(e.body.id));
  const ideas = live.list('ideas').sort((a, b) => (b.created_at || '').localeCompare(a.created_at || ''));
  reconcile($('#my-ideas'), [...pendingIdeas.map((e) => ({ e })), ...ideas.map((i) => ({ i }))], (x) => (x.e ? x.e.body.id : x.i.id),
    (x) => (x.e ? pendingIdeaCard(x.e) : ideaCard(x.i)));
  $('#ideas-count').textContent = String(ideas.length + pendingIdeas.length);
  $('#ideas-empty').hidden = ideas.length + pendingIdeas.length > 0;
}

function pendingIdeaCard(e) {
  return el('li', { class: 'card idea' }, el('h3', { text: e.body.title || e.label }),
    el('p', { class: `state ${e.rejected ? 'rejected' : 'pending'}`, text: e.rejected ? `${t('js.state_rejected')} ${e.error}` : t('js.state_pending') }));
}

function ideaCard(i) {
  return el('li', { class: 'card idea', dataset: { id: i.id } },
    el('p', { class: 'kicker' }, el('span', { class: `status s-${i.status}`, text: lbl('status', i.status) }), i.b2b ? el('span', { class: 'tag b2b', text: 'BtoB' }) : null),
    el('h3', { text: i.title }),
    el('p', { class: 'muted', text: (i.org_ids || []).map(orgName).join(i.kind === 'exchange' ? ' → ' : ' · ') }),
    i.next_step ? el('p', { text: `${t('js.next_step')} ${i.next_step}` }) : null);
}

// ---------- "La salle": search, filters, first cards at once and more on demand ----------
const roomHay = new Map(); // sheet id -> {v, s}: folded text searched (title, description, organisation)
function sheetHay(s) {
  const c = roomHay.get(s.id);
  if (c && c.v === s.version) return c.s;
  // An anonymous sheet's organisation is not shown, so it is not searchable either.
  const text = fold([s.title, s.description, s.anonymous ? '' : orgName(s.organisation_id), lbl('cat', s.category),
    s.subcategory ? lbl('sub', s.subcategory) : ''].filter(Boolean).join(' '));
  roomHay.set(s.id, { v: s.version, s: text });
  return text;
}
function roomMatches() {
  const org = myOrg();
  const kind = $('#room-kind').value; const cat = $('#room-cat').value;
  const words = fold($('#room-q').value.trim()).split(/\s+/).filter(Boolean);
  return live.list('sheets').filter((s) => s.organisation_id !== org && s.state !== 'withdrawn'
    && (!kind || s.kind === kind) && (!cat || s.category === cat)
    && (!words.length || words.every((w) => sheetHay(s).includes(w))))
    .sort((a, b) => (b.created_at || '').localeCompare(a.created_at || '') || (a.id < b.id ? -1 : 1))
    .sort((a, b) => ($('#room-sort').value === 'relevance' ? sugg.score(b.id) - sugg.score(a.id) : 0));
}
function renderRoom() {
  if ($('#panel-room').hidden && renderRoom.drawn) { renderRoom.stale = true; return; } // drawn when opened
  renderRoom.drawn = true; renderRoom.stale = false;
  const room = roomMatches();
  const shown = room.slice(0, roomLimit);
  // Unchanged cards stay the same nodes: the focus, a half-typed comment and the scroll position stay too.
  reconcile($('#room-sheets'), shown, (s) => s.id, (s) => sheetCard(s));
  const q = $('#room-q').value.trim();
  $('#room-count').textContent = q || $('#room-kind').value || $('#room-cat').value
    ? t('js.room_found', { n: room.length }) : t('js.room_count', { n: room.length });
  const rest = room.length - shown.length;
  const more = $('#room-more');
  more.hidden = rest <= 0;
  if (rest > 0) more.textContent = t('js.room_more', { n: Math.min(rest, ROOM_PAGE), total: rest });
}
let roomTimer = 0;
function roomFilterChanged() { roomLimit = ROOM_PAGE; renderRoom(); }
$('#room-kind').addEventListener('change', roomFilterChanged);
$('#room-sort').addEventListener('change', () => { if ($('#room-sort').value === 'relevance') sugg.loadRelevance().catch(() => {}); roomFilterChanged(); });
$('#room-cat').addEventListener('change', roomFilterChanged);
$('#room-q').addEventListener('input', () => { clearTimeout(roomTimer); roomTimer = setTimeout(roomFilterChanged, 120); });
$('#room-q').closest('.room-tools').addEventListener('submit', (ev) => ev.preventDefault());
$('#room-more').addEventListener('click', () => {
  const first = roomLimit;
  roomLimit += ROOM_PAGE; renderRoom();
  const next = $$('#room-sheets > li')[first]; // focus goes to the first new card, not back to the top
  if (next) { refocus(next); next.scrollIntoView({ block: 'start' }); }
});
document.addEventListener('phone:tab', (ev) => { if (ev.detail === 'room' && renderRoom.stale) renderRoom(); });

function renderPoolOrgs() {
  const org = myOrg();
  const q = fold($('#pool-org-q').value.trim());
  const checked = new Set($$('#pool-orgs input:checked').map((i) => i.value));
  const others = live.list('organisations').filter((o) => o.id !== org && (!q || checked.has(o.id) || fold(o.name).includes(q)))
    .sort((a, b) => a.name.localeCompare(b.name, 'fr'));
  // The boxes ticked stay ticked: their nodes are kept (a renamed organisation's box keeps its tick too).
  reconcile($('#pool-orgs'), others, (o) => o.id, (o) => el('div', { class: 'check' },
    el('input', { type: 'checkbox', id: `po-${o.id}`, value: o.id }), el('label', { for: `po-${o.id}`, text: o.name })),
  { stamp: (o) => o.name });
}
$('#pool-org-q').addEventListener('input', renderPoolOrgs);

live.on((kind, detail) => {
  if (kind === 'conn') { conn = detail; if (detail === 'online') wasOnline = true; renderConn(); return; }
  if (kind !== 'seq') schedule();
  if (kind === 'connected') outbox.flush();
  if (kind === 'connected' || kind === 'seq') renderConn();
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
