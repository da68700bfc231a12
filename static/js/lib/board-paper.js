// Paper sheets typed in by a facilitator: one sheet after another, keyboard
// only; the organisation is kept between sheets and can be created on the fly
// (as "represented"). Writes go through the outbox: nothing typed is lost
// when the wifi drops.
import { uuid } from './api.js';
import { $, asNumber, bootData, el, formData, lbl, setCatalogue, showErrors, t, toast } from './dom.js';
import { Live } from './live.js';
import { Outbox } from './outbox.js';
import { orgSuggest } from './org-suggest.js';

const boot = bootData();
setCatalogue(boot.i18n);
const W = boot.workshop;
const url = (p) => `/api/w/${W}${p}`;
const live = new Live(W);
const form = $('#paper-form');
const mine = []; // ids of the sheets typed on this page, newest first
const newOrgs = new Map(); // lower-cased name -> id of an organisation created here (maybe not yet acknowledged)

const outbox = new Outbox(`${W}:paper`, {
  onAck: (e, res) => { if (res && res.record) live.apply({ entity: e.kind, id: res.record.id, record: res.record }); renderRecent(); resolveOrg(); },
  onReject: (e) => { toast(`${t('js.rejected')} ${e.error || ''}`, 'error'); renderRecent(); },
  onChange: () => renderRecent(),
  onCorrupt: () => toast(t('js.outbox_corrupt'), 'error'),
});

const norm = (s) => s.trim().replace(/\s+/g, ' ').toLocaleLowerCase('fr');
function findOrg(name) {
  const n = norm(name);
  if (!n) return null;
  for (const o of live.maps.organisations.values()) if (norm(o.name) === n) return o;
  if (newOrgs.has(n)) return { id: newOrgs.get(n), name: name.trim(), pending: true };
  return null;
}

// Close existing names ("Garage Bernard" -> "Garage Bernard & Fils") are proposed before a new one is made.
const suggest = orgSuggest($('#p-org'), $('#p-org-suggest'), {
  url: url('/organisations/suggest'),
  onPick: (m) => { $('#p-org').value = m.name; suggest.reset(); resolveOrg(); showErrors(form, null); $('#p-title').focus(); },
  onChange: () => resolveOrg(),
});

function resolveOrg() {
  const name = $('#p-org').value;
  const org = findOrg(name);
  const status = $('#p-org-status');
  $('#p-new-org').hidden = !!org || !name.trim();
  if (org) $('#p-org-suggest').hidden = true;
  if (!name.trim()) { status.textContent = ''; delete status.dataset.state; return null; }
  if (!org && suggest.matches().length) {
    status.dataset.state = 'similar';
    status.textContent = t('js.suggest_similar');
  } else if (org) {
    status.dataset.state = 'found';
    const o = live.maps.organisations.get(org.id);
    status.textContent = t('js.board_paper_org_found', { presence: o ? lbl('presence', o.presence) : lbl('presence', 'represented'),
      n: live.list('sheets').filter((s) => s.organisation_id === org.id).length });
  } else {
    status.dataset.state = 'new';
    status.textContent = t('js.board_paper_org_new');
  }
  return org;
}

function renderOrgs() {
  const orgs = live.list('organisations').sort((a, b) => a.name.localeCompare(b.name, 'fr'));
  $('#p-orgs').replaceChildren(...orgs.map((o) => el('option', { value: o.name, text: o.presence === 'represented' ? lbl('presence', 'represented') : '' })));
}

function renderSubs() {
  const cat = $('#p-cat').value;
  const subs = (boot.vocab.categories || {})[cat] || [];
  $('#p-sub').replaceChildren(el('option', { value: '', text: '—' }), ...subs.map((s) => el('option', { value: s, text: lbl('sub', s) })));
  $('#p-sub').disabled = !subs.length;
}

function renderRecent() {
  $('#p-recent-empty').hidden = mine.length > 0;
  const entries = new Map(outbox.entries().filter((e) => e.kind === 'sheet').map((e) => [e.body.id, e]));
  $('#p-recent').replaceChildren(...mine.slice(0, 50).map((id) => {
    const s = live.maps.sheets.get(id); const e = entries.get(id);
    const rec = s || (e && e.body) || { id, title: '?' };
    const state = e ? (e.rejected ? `${t('js.state_rejected')} ${e.error || ''}` : t('js.state_pending')) : t('js.state_saved');
    return el('li', {},
      el('span', {}, el('span', { class: `tag ${rec.kind}`, text: lbl('sheet_kind', rec.kind) }), ' ',
        rec.paper_no ? el('strong', { text: `#${rec.paper_no} ` }) : null, rec.title),
      el('span', { class: 'muted', text: `${s ? (live.maps.organisations.get(s.organisation_id) || {}).name || '' : ''}` }),
      el('span', { class: `state ${e ? (e.rejected ? 'rejected' : 'pending') : 'saved'}`, text: state }));
  }));
}

function nextPaperNo(no) {
  const m = /^(.*?)(\d+)$/.exec(no || '');
  return m ? `${m[1]}${String(Number(m[2]) + 1).padStart(m[2].length, '0')}` : '';
}

form.addEventListener('input', (ev) => { if (ev.target.id === 'p-org') resolveOrg(); });
$('#p-cat').addEventListener('change', renderSubs);
document.addEventListener('keydown', (ev) => {
  if (!ev.altKey) return;
  if (ev.key === 'p' || ev.key === 'P') { ev.preventDefault(); $('#p-kind-offer').checked = true; }
  if (ev.key === 'r' || ev.key === 'R') { ev.preventDefault(); $('#p-kind-need').checked = true; }
});

form.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const data = formData(form);
  const fields = {};
  const orgName = (data.org_name || '').trim();
  if (orgName.length < 1) fields.org_name = t('err.required');
  if (!data.category) fields.category = t('err.required');
  if (!data.title || data.title.trim().length < 2) fields.title = t('err.too_short').replace('{min}', '2');
  if (Object.keys(fields).length) {
    showErrors(form, { error: t('err.invalid'), fields });
    form.querySelector('[aria-invalid="true"]').focus();
    return;
  }
  let org = findOrg(orgName);
  if (!org && (await suggest.check()).length && !suggest.confirmedNew()) {
    showErrors(form, { error: t('js.suggest_first'), fields: { org_name: t('js.suggest_first') } });
    $('#p-org-suggest .suggest-pick').focus();
    return;
  }
  if (!org) {
    const id = uuid();
    const body = { id, name: orgName, presence: 'represented', kind: data.org_kind || 'company' };
    if (data.org_commune) body.commune = data.org_commune;
    const table = data.org_table !== undefined ? data.org_table : boot.me.table;
    if (table !== undefined && table !== null && table !== '') body.table_no = Number(table);
    outbox.add({ id, method: 'POST', url: url('/organisations'), body, kind: 'organisation', label: orgName });
    newOrgs.set(norm(orgName), id);
    org = { id };
  }
  const sheet = { id: uuid(), organisation_id: org.id, kind: data.kind, category: data.category, title: data.title.trim() };
  for (const k of ['paper_no', 'subcategory', 'unit', 'frequency', 'description']) if (data[k]) sheet[k] = data[k];
  if (data.quantity) sheet.quantity = asNumber(data.quantity);
  outbox.add({ id: sheet.id, method: 'POST', url: url('/sheets'), body: sheet, kind: 'sheet', label: sheet.title });
  mine.unshift(sheet.id);
  toast(t('js.board_paper_saved', { title: sheet.title }));
  // Ready for the next sheet: same organisation, kind and category; next paper number.
  for (const k of ['title', 'description', 'quantity']) form.elements[k].value = '';
  form.elements.paper_no.value = nextPaperNo(data.paper_no);
  showErrors(form, null);
  resolveOrg();
  renderRecent();
  $('#p-title').focus();
});

live.on((kind, d) => {
  if (kind === 'reset' || (kind === 'change' && d.entity === 'organisation')) { renderOrgs(); resolveOrg(); }
  if (kind === 'change' && d.entity === 'sheet') renderRecent();
  if (kind === 'connected') outbox.flush();
});

(async function start() {
  renderSubs();
  if (boot.me && boot.me.table !== null && boot.me.table !== undefined) $('#p-org-table').value = String(boot.me.table);
  try { await live.load(); } catch { toast(t('js.offline'), 'error'); setTimeout(start, 4000); return; }
  live.connect();
  outbox.flush();
  $('#p-org').focus();
  document.body.dataset.ready = '1';
}());
