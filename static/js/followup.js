// The follow-up board: ideas followed after the afternoon, filters, contact log, impact figures.
// Live: every change on the workshop's staff room reloads the board (debounced), so the
// organiser sees a facilitator's contact, move or figures within a moment.
import { Latest, call, uuid } from './lib/api.js';
import { $, $$, bootData, el, formData, lbl, setCatalogue, showErrors, t, toast } from './lib/dom.js';
import { Live } from './lib/live.js';

const boot = bootData();
setCatalogue({ ...boot.i18n, ...boot.followup_i18n });
const W = boot.workshop;
const url = (p) => `/api/w/${W}/followup${p}`;
const live = new Live(W);
const isOrganiser = boot.role === 'organiser';
let data = null;
let openId = null;
let detail = null;
const PAGE = 100;
let shown = PAGE;  // rows shown; back to one page when the filters change

const fmt = (n, d = 1) => (n === null || n === undefined ? '' : Number(n).toLocaleString(boot.lang === 'en' ? 'en-GB' : 'fr-FR', { maximumFractionDigits: d }));
const dateFmt = (s) => (s ? new Date(`${s}T12:00:00`).toLocaleDateString(boot.lang === 'en' ? 'en-GB' : 'fr-FR', { day: 'numeric', month: 'short', year: 'numeric' }) : '');

let shownText = '';  // the board as last drawn: a reload that brings nothing new (the socket's first
                     // connect, a reconnect) leaves the page alone, so no list is redrawn under the user's hand
const loads = new Latest();
async function load() {
  let fresh;
  const current = loads.ask();
  try {
    fresh = await call('GET', url(''));
  } catch (e) { if (current()) toast(e.message, 'error'); return; }
  if (!current()) return;
  const text = JSON.stringify(fresh);
  if (text === shownText) return;
  shownText = text;
  data = fresh;
  fillSelects();
  render();
  if (openId) openPanel(openId, false);
  document.body.dataset.ready = '1';
  document.body.dataset.seq = String(data.seq);
}

let timer = null;
function reloadSoon() { clearTimeout(timer); timer = setTimeout(load, 250); }

function fillSelects() {
  const zone = $('#fzone');
  const zones = new Set([...(data.zones || []), ...data.ideas.map((i) => i.zone).filter(Boolean)]);
  const zv = zone.value;
  zone.replaceChildren(el('option', { value: '', text: t('fu.all') }), ...[...zones].sort().map((z) => el('option', { value: z, text: z })));
  zone.value = zv;
  const fac = $('#ffac');
  const fv = fac.value;
  fac.replaceChildren(el('option', { value: '', text: t('fu.all') }), el('option', { value: '-', text: t('fu.nobody') }),
    ...data.facilitators.map((f) => el('option', { value: f.id, text: f.name })));
  fac.value = fv;
  const inCharge = $('#fs-fac');
  if (inCharge) inCharge.replaceChildren(el('option', { value: '', text: '—' }), ...data.facilitators.filter((f) => !f.revoked).map((f) => el('option', { value: f.id, text: f.name })));
  for (const [sel, family] of [['#fi-material', 'material'], ['#fi-energy', 'energy']]) {
    const s = $(sel); const v = s.value;
    s.replaceChildren(el('option', { value: '', text: '—' }), ...data.factors.filter((f) => f.family === family)
      .map((f) => el('option', { value: f.key, text: `${boot.lang === 'en' ? (f.label_en || f.label_fr) : f.label_fr} — ${fmt(f.kg_co2e, 2)} kg CO2e/${f.unit}` })));
    s.value = v;
  }
}

function filtered() {
  const f = formData($('#fu-filters'));
  const q = (f.q || '').toLowerCase();
  return data.ideas.filter((i) => {
    if (f.scope === 'mine' && i.facilitator_id !== boot.me.id) return false;
    if (f.due === 'soon' ? !['overdue', 'week'].includes(i.due_state) : f.due && i.due_state !== f.due) return false;
    if (f.status && i.status !== f.status) return false;
    if (f.zone && i.zone !== f.zone) return false;
    if (f.fac === '-' ? i.facilitator_id : f.fac && i.facilitator_id !== f.fac) return false;
    if (q && !`${i.title} ${i.org_names.join(' ')} ${i.next_step || ''}`.toLowerCase().includes(q)) return false;
    return true;
  });
}

function facName(id) { const f = data.facilitators.find((x) => x.id === id); return f ? f.name : ''; }

function row(i) {
  const due = i.due_date ? el('span', { class: `due due-${i.due_state || 'none'}`, text: `${dateFmt(i.due_date)}${i.due_state ? ` · ${t(`followup.due_${i.due_state}`)}` : ''}` }) : el('span', { class: 'due due-none', text: t('followup.due_none') });
  const imp = i.impact.actual || i.impact.estimated;
  return el('li', { class: `fu-item s-${i.status}`, dataset: { id: i.id } },
    el('button', { class: 'fu-open', type: 'button', 'aria-controls': 'fu-panel', onclick: () => openPanel(i.id, true) },
      el('span', { class: 'fu-title', text: i.title }),
      el('span', { class: 'fu-orgs', text: i.org_names.filter(Boolean).join(' ↔ ') })),
    el('span', { class: `status s-${i.status}`, text: lbl('status', i.status) }),
    el('span', { class: 'fu-fac', text: facName(i.facilitator_id) || t('fu.nobody') }),
    el('span', { class: 'fu-next' }, due, i.next_step ? el('span', { class: 'fu-step', text: i.next_step }) : null),
    el('span', { class: 'fu-last', text: i.last_contact ? `${dateFmt(i.last_contact.date)} · ${lbl('channel', i.last_contact.channel)}` : t('fu.no_contact') }),
    el('span', { class: 'fu-imp', text: imp ? `${fmt(imp.co2_t, 2)} tCO2e` : '' }));
}

function render() {
  const f = data.figures;
  const counts = { followed: data.ideas.length, overdue: data.ideas.filter((i) => i.due_state === 'overdue').length,
    week: data.ideas.filter((i) => i.due_state === 'week').length, soon: data.ideas.filter((i) => i.status === 'soon').length,
    done: data.ideas.filter((i) => i.status === 'done').length, tonnes: fmt(f.impact.actual.tonnes), co2: fmt(f.impact.actual.co2_t, 2) };
  for (const [k, v] of Object.entries(counts)) { const n = $(`[data-fig="${k}"]`); if (n) n.textContent = v; }
  const rows = filtered();
  // a page at a time (the real event's 87 fit in one), so ten times that is not one endless page
  $('#fu-list').replaceChildren(...rows.slice(0, shown).map(row));
  $('#fu-empty').hidden = rows.length > 0;
  const rest = rows.length - Math.min(shown, rows.length);
  const more = $('#fu-more');
  more.hidden = rest <= 0;
  if (rest > 0) more.textContent = t('fu.more', { n: Math.min(PAGE, rest), rest });
  $('#fu-count').textContent = t('fu.count', { n: rows.length, total: data.ideas.length });
}

// ---------- the panel ----------
async function openPanel(id, focus) {
  openId = id;
  try { detail = await call('GET', url(`/ideas/${id}`)); } catch (e) { toast(e.message, 'error'); return; }
  const i = detail.idea;
  const panel = $('#fu-panel');
  panel.hidden = false;
  $('#fu-panel-h').textContent = i.title;
  const row_ = data.ideas.find((x) => x.id === id);
  $('#fu-panel-orgs').textContent = row_ ? row_.org_names.join(' ↔ ') : '';
  const st = $('#fs-status');
  const targets = [i.status, ...((boot.transitions || {})[i.status] || TRANS[i.status] || [])];
  st.replaceChildren(...targets.map((s) => el('option', { value: s, text: lbl('status', s) })));
  st.value = i.status;
  $('#fs-reason').value = i.abandon_reason || '';
  $('#fs-reason-wrap').hidden = i.status !== 'abandoned';
  $('#fs-next').value = i.next_step || '';
  $('#fs-due').value = i.due_date || '';
  if ($('#fs-fac')) $('#fs-fac').value = i.facilitator_id || '';
  const canEdit = isOrganiser || i.facilitator_id === boot.me.id;
  for (const form of $$('#fu-panel form')) for (const c of form.elements) c.disabled = !canEdit;
  $('#fc-date').value = $('#fc-date').value || today();
  $('#fu-contact-list').replaceChildren(...detail.contacts.map((c) => el('li', {},
    el('p', { class: 'fu-log-head', text: `${dateFmt(c.date)} · ${lbl('channel', c.channel)} · ${c.who || ''}` }),
    el('p', { class: 'desc', text: c.summary }),
    c.next_step ? el('p', { class: 'muted', text: `${t('followup.next_step')} : ${c.next_step}${c.due_date ? ` (${dateFmt(c.due_date)})` : ''}` }) : null)));
  fillImpact();
  $('#fu-outcome-list').replaceChildren(...(detail.outcomes.length ? detail.outcomes.map((o) => el('li', {
    text: `${(data.ideas.find((x) => x.id === id) || { org_names: [] }).org_names[(i.org_ids || []).indexOf(o.organisation_id)] || ''} : ${lbl('status', o.status)}${o.euros ? ` · ${fmt(o.euros, 0)} €` : ''}${o.comment ? ` — ${o.comment}` : ''}` }))
    : [el('li', { class: 'muted', text: t('fu.no_outcome') })]));
  $('#fu-history').replaceChildren(...(detail.history || []).map((h) => el('li', { text: `${new Date(h.at).toLocaleString(boot.lang === 'en' ? 'en-GB' : 'fr-FR')} · ${h.who || ''} · ${Object.entries(h.changes).filter(([k]) => k === 'status' || k === 'next_step' || k === 'due_date').map(([k, [a, b]]) => (k === 'status' ? `${lbl('status', a) || '∅'} → ${lbl('status', b)}` : `${t(`fu.h_${k}`)} : ${b || '∅'}`)).join(', ') || h.action}` })));
  if (focus) $('#fu-panel-h').focus();
}

const TRANS = {};
const today = () => (data && data.today) || new Date().toISOString().slice(0, 10);

function stage() { return $('#fi-stage input:checked').value; }

function fillImpact() {
  const imp = (detail.impact || {})[stage()] || {};
  const form = $('#fu-impact');
  for (const k of ['tonnes', 'material', 'mwh', 'energy', 'water_m3', 'jobs', 'note']) form.elements[k].value = imp[k] ?? '';
  const orgs = (data.ideas.find((x) => x.id === openId) || { org_names: [] });
  const box = $('#fi-euros');
  box.replaceChildren(el('legend', { text: t('fu.euros') }), ...(detail.idea.org_ids || []).map((oid, n) => el('div', { class: 'field' },
    el('label', { for: `fe-${n}`, text: orgs.org_names[n] || '?' }),
    el('input', { id: `fe-${n}`, type: 'number', min: '0', step: 'any', inputmode: 'decimal', dataset: { org: oid }, value: (imp.euros || {})[oid] ?? '' }))));
  $('#fi-co2').textContent = imp.id ? t('fu.co2_is', { co2: fmt(imp.co2_t, 3), factors: (imp.factors_used || []).map((f) => `${f.key} ${fmt(f.kg_co2e, 2)} kg/${f.unit} (${f.source}, ${f.year})`).join(' ; ') }) : '';
  const canActual = detail.idea.status === 'done';
  $('#fi-act').disabled = !canActual && !(detail.impact || {}).actual;
}

$('#fi-stage').addEventListener('change', fillImpact);
$('#fs-status').addEventListener('change', () => { $('#fs-reason-wrap').hidden = $('#fs-status').value !== 'abandoned'; });
$('#fu-close').addEventListener('click', () => { $('#fu-panel').hidden = true; openId = null; const b = $(`.fu-item[data-id] .fu-open`); if (b) b.focus(); });
document.addEventListener('keydown', (e) => { if (e.key === 'Escape' && !$('#fu-panel').hidden) $('#fu-close').click(); });
$('#fu-filters').addEventListener('input', () => { shown = PAGE; render(); });
$('#fu-more').addEventListener('click', () => { shown += PAGE; render(); });
$('#fu-filters').addEventListener('submit', (e) => e.preventDefault());

async function send(form, method, path, body) {
  const btn = form.querySelector('button[type=submit]');
  btn.disabled = true;
  try {
    const res = await call(method, url(path), body);
    showErrors(form, null);
    toast(t('fu.saved'));
    return res;
  } catch (e) {
    showErrors(form, e.body || { error: e.message });
    toast(e.message, 'error');
    return null;
  } finally { btn.disabled = false; }
}

$('#fu-status').addEventListener('submit', async (e) => {
  e.preventDefault();
  const f = formData(e.target);
  const i = detail.idea;
  const body = { version: i.version, next_step: f.next_step || null, due_date: f.due_date || null };
  if (f.status !== i.status) body.status = f.status;
  if (f.status === 'abandoned') body.reason = f.reason || null;
  if (isOrganiser) body.facilitator_id = f.facilitator_id || null;
  if (await send(e.target, 'PATCH', `/ideas/${i.id}`, body)) load();
});

$('#fu-contact').addEventListener('submit', async (e) => {
  e.preventDefault();
  const f = formData(e.target);
  const body = { id: uuid(), date: f.date, channel: f.channel, summary: f.summary || '', who: f.who || null,
    next_step: f.next_step || null, due_date: f.due_date || null };
  if (await send(e.target, 'POST', `/ideas/${openId}/contacts`, body)) { e.target.reset(); $('#fc-date').value = today(); load(); }
});

$('#fu-impact').addEventListener('submit', async (e) => {
  e.preventDefault();
  const f = formData(e.target);
  const body = {};
  for (const k of ['tonnes', 'mwh', 'water_m3', 'jobs']) if (f[k] !== undefined) body[k] = f[k];
  for (const k of ['material', 'energy', 'note']) if (f[k]) body[k] = f[k];
  const euros = {};
  for (const inp of $$('#fi-euros input')) if (inp.value !== '') euros[inp.dataset.org] = inp.value;
  body.euros = euros;
  const cur = (detail.impact || {})[stage()];
  if (cur) body.version = cur.version;
  if (await send(e.target, 'PUT', `/ideas/${openId}/impact/${stage()}`, body)) load();
});

live.on((kind, d) => {
  if (kind === 'seq' || kind === 'reset' || kind === 'connected') reloadSoon();
  if (kind === 'storage_error') { const a = $('#storage-alert'); a.hidden = false; a.textContent = d; }
});
live.connect();
load();
