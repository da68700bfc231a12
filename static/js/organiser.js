// The organiser's page: the live strip (join, counters, intake switch, steps) and one tab per section.
import { ApiError, call, uuid } from './lib/api.js';
import { $, bootData, el, setCatalogue, showErrors, t, toast } from './lib/dom.js';
import { formatNumber, pluralCategory, renderStats } from './lib/counters.js';
import { Live } from './lib/live.js';
import { StaffJoinRequests } from './lib/join-staff.js';
import { followAddress } from './lib/address.js';

const boot = bootData();
setCatalogue(boot.i18n);
const W = boot.workshop;
const url = (p) => `/api/w/${W}${p}`;
const live = new Live(W);
new StaffJoinRequests(live); // phones asking to join an organisation: let in or turn away

const STEPS = ['facilitators', 'posters', 'intake', 'wall', 'close', 'export', 'lock'];
const marks = (() => {
  const key = `organiser-steps:${W}`;
  let saved = {};
  try { saved = JSON.parse(localStorage.getItem(key) || '{}') || {}; } catch { saved = {}; }
  return {
    has: (k) => !!saved[k],
    set: (k) => { saved[k] = Date.now(); try { localStorage.setItem(key, JSON.stringify(saved)); } catch { /* private mode */ } },
  };
})();

const intakeIsOpen = () => { const i = live.info || {}; return !!i.intake_open && !['closed', 'locked', 'followup'].includes(i.phase); };

// One intake switch for the whole page: its state, its one button, and the step it stands for.
function renderIntake() {
  const info = live.info || {};
  const open = intakeIsOpen();
  const card = $('#intake-card');
  card.dataset.open = open ? '1' : '0';
  $('#intake-state').textContent = open ? t('js.org_intake_open') : t('js.org_intake_closed');
  const btn = $('#intake-toggle');
  const locked = info.phase === 'locked';
  const after = ['closed', 'locked', 'followup'].includes(info.phase);
  btn.textContent = open ? t('js.org_close') : ((live.stats || {}).organisations || after ? t('js.org_reopen') : t('js.org_open'));
  $('#intake-hint').textContent = open ? t('js.org_intake_open_hint') : (locked ? t('js.org_intake_locked_hint') : t('js.org_intake_closed_hint'));
  const phase = $('#phase');
  if (phase) phase.value = info.phase || 'live';
  $('#lock-btn').textContent = locked ? t('js.unlock') : t('js.lock');
}

let currentStep = null;
function renderSteps() {
  const s = live.stats || {};
  const info = live.info || {};
  const started = (s.organisations || 0) > 0;
  const after = ['closed', 'locked', 'followup'].includes(info.phase);
  // Each step's TRUE state, from the server's data where there is one (marks only for downloads/clicks).
  const done = {
    facilitators: live.list('facilitators').some((f) => !f.revoked) || (s.facilitators || 0) > 0,
    posters: marks.has('posters'),
    intake: intakeIsOpen() || started || after,
    wall: marks.has('wall'),
    close: !intakeIsOpen() && (started || after),
    export: marks.has('export'),
    lock: info.phase === 'locked' || info.phase === 'followup',
  };
  // The current step: the first not done after the last fact the room has moved past
  // (intake counts once someone joined), so a skipped preparation step stays "to do" without holding the pointer.
  const facts = { intake: started || after, close: done.close, lock: done.lock, facilitators: done.facilitators,
    posters: done.posters, wall: done.wall, export: done.export };
  let last = -1;
  STEPS.forEach((k, i) => { if (facts[k]) last = i; });
  currentStep = STEPS.slice(last + 1).find((k) => !done[k]) || STEPS.find((k) => !done[k]) || null;
  for (const li of document.querySelectorAll('#steps li[data-step]')) {
    const k = li.dataset.step;
    const state = done[k] ? 'done' : k === currentStep ? 'current' : 'todo';
    li.dataset.state = state;
    li.classList.toggle('done', state === 'done');
    if (state === 'current') li.setAttribute('aria-current', 'step'); else li.removeAttribute('aria-current');
    li.querySelector('[data-state-label]').textContent = t(`js.step_${state}`);
    const action = li.querySelector('.btn');
    if (action) action.classList.toggle('primary', state === 'current');
  }
  for (const g of document.querySelectorAll('.phase-group')) {
    g.classList.toggle('active', !!g.querySelector('[aria-current=step]'));
  }
  $('#intake-card').classList.toggle('attention', currentStep === 'intake' || currentStep === 'close');
  $('#intake-toggle').classList.toggle('primary', currentStep === 'intake' || currentStep === 'close');
  const text = currentStep ? `${t('js.next_now')} ${$(`li[data-step="${currentStep}"] .step-text`).textContent}` : t('js.all_done');
  $('#next-step').textContent = text;
  $('#empty-hint').hidden = started;
}

function renderFacilitators() {
  $('#fac-empty').hidden = live.list('facilitators').length > 0;
  const facs = live.list('facilitators').sort((a, b) => (a.table_no || 0) - (b.table_no || 0) || a.name.localeCompare(b.name));
  $('#fac-list').replaceChildren(...facs.map((f) => el('li', { class: `fac ${f.revoked ? 'revoked' : ''}` },
    el('img', { src: `/w/${boot.code}/facilitators/${f.id}/qr.png`, alt: `${t('js.fac_qr')} ${f.name}`, width: 96, height: 96, loading: 'lazy' }),
    el('span', { class: 'name', text: `${f.name} — ${t('js.table')} ${f.table_no ?? '—'}` }),
    el('span', {}, el('code', { class: 'code', text: f.code || '' }), f.revoked ? ' ' : null,
      f.revoked ? el('span', { class: 'tag', text: t('js.revoked') }) : null),
    el('button', { class: 'btn', type: 'button', text: f.revoked ? t('js.reinstate') : t('js.revoke'),
      onclick: async () => {
        try { await call('POST', url(`/facilitators/${f.id}/revoke`), { revoked: !f.revoked }); await refreshFacs(); }
        catch (err) { toast(err.message, 'error'); }
      } }))));
}

async function refreshFacs() {
  // Codes are only in the organiser's HTTP answer, never in broadcasts.
  const s = await call('GET', url('/state'));
  for (const f of s.facilitators) live.maps.facilitators.set(f.id, f);
  renderFacilitators();
}

function party(o) {
  // one span per way to reach them, so a phone number never breaks across lines
  const reach = [['who', o.contact_name], ['mail', o.email], ['tel', o.phone]].filter(([, v]) => v)
    .flatMap(([cls, v], i) => [...(i ? [' · '] : []), el('span', { class: cls, text: v })]);
  return el('p', { class: 'party' }, el('strong', { text: o.name || '?' }),
    ...(reach.length ? reach : [el('span', { class: 'muted', text: t('js.org_no_contact') })]));
}

// A page of contacts at a time: the real event's 87 fit in one, ten times that is not one endless page.
const B2B_PAGE = 100;
let b2bRows = B2B_PAGE;  // rows shown
let b2bIdeas = [];

function drawB2B() {
  const n = b2bIdeas.length;
  $('#b2b-count').textContent = t(`js.org_b2b_count.${pluralCategory(n)}`, { n: formatNumber(n) });
  $('#b2b-list').replaceChildren(...b2bIdeas.slice(0, b2bRows).map((i) => el('tr', {},
    el('td', {}, el('strong', { text: i.title })),
    el('td', {}, el('div', { class: 'parties' }, ...i.organisations.map(party))))));
  if (!n) $('#b2b-list').replaceChildren(el('tr', {}, el('td', { class: 'muted', colspan: 2, text: t('js.no_b2b') })));
  const rest = Math.max(0, n - b2bRows);
  $('#b2b-more').hidden = !rest;
  if (rest) $('#b2b-more').textContent = t('js.org_b2b_more', { n: formatNumber(Math.min(B2B_PAGE, rest)), rest: formatNumber(rest) });
}

async function renderB2B() {
  try {
    b2bIdeas = (await call('GET', url('/b2b'))).ideas;
    drawB2B();
  } catch { /* shown at next change */ }
}

async function setIntake(open) {
  try { const r = await call('POST', url('/intake'), { open }); live.info = r.record; renderIntake(); renderSteps(); }
  catch (err) { toast(err.message, 'error'); }
}
async function setPhase(phase) {
  try { const r = await call('POST', url('/phase'), { phase }); live.info = r.record; }
  catch (err) { toast(err.message, 'error'); }
  renderIntake(); renderSteps();
}
async function reopen() {
  if (['closed', 'locked', 'followup', 'before'].includes((live.info || {}).phase)) await setPhase('live');
  await setIntake(true);
}
$('#b2b-more').addEventListener('click', () => { b2bRows += B2B_PAGE; drawB2B(); });
$('#intake-toggle').addEventListener('click', () => (intakeIsOpen() ? setIntake(false) : reopen()));
const phaseSelect = $('#phase');
if (phaseSelect) phaseSelect.addEventListener('change', (ev) => setPhase(ev.target.value));
$('#lock-btn').addEventListener('click', () => {
  const locked = (live.info || {}).phase === 'locked';
  if (!locked && !confirm(t('js.confirm_lock'))) return;
  setPhase(locked ? 'closed' : 'locked');
});

// Sections: tabs (arrow keys move between them), deep links with ?s=<id>.
const tabs = Array.from(document.querySelectorAll('#org-tabs [role=tab]'));
function showSection(id, { focus = null, push = true } = {}) {
  const tab = tabs.find((x) => x.dataset.section === id);
  if (!tab) return;
  for (const x of tabs) {
    const on = x === tab;
    x.setAttribute('aria-selected', on ? 'true' : 'false');
    x.tabIndex = on ? 0 : -1;
    document.getElementById(x.getAttribute('aria-controls')).hidden = !on;
  }
  if (push) history.replaceState(null, '', `?s=${encodeURIComponent(id)}${boot.lang && boot.lang !== 'fr' ? `&lang=${boot.lang}` : ''}`);
  const panel = document.getElementById(`sec-${id}`);
  if (focus) { focus.focus({ preventScroll: true }); focus.scrollIntoView({ block: 'center' }); }
  else if (focus === null && push) panel.scrollIntoView({ block: 'nearest' });
  if (id === 'b2b') renderB2B();
}
for (const tab of tabs) {
  tab.addEventListener('click', (ev) => { ev.preventDefault(); showSection(tab.dataset.section); });
  tab.addEventListener('keydown', (ev) => {
    const i = tabs.indexOf(tab);
    const next = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1 }[ev.key];
    if (next === undefined) return;
    ev.preventDefault();
    const to = tabs[(next + tabs.length) % tabs.length];
    showSection(to.dataset.section); to.focus();
  });
}
// A step's button that leads to a section opens it and puts the focus where the work is.
for (const a of document.querySelectorAll('#steps [data-section]')) {
  a.addEventListener('click', (ev) => {
    ev.preventDefault();
    const target = a.dataset.focus ? document.getElementById(a.dataset.focus)
      : a.dataset.focusFirst ? document.querySelector(a.dataset.focusFirst) : undefined;
    showSection(a.dataset.section, { focus: target });
  });
}
for (const a of document.querySelectorAll('[data-mark]')) {
  a.addEventListener('click', () => { marks.set(a.dataset.mark); renderSteps(); });
}
$('#fac-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const form = ev.currentTarget;
  const body = { id: uuid(), name: form.elements.name.value.trim() };
  if (form.elements.table_no.value !== '') body.table_no = Number(form.elements.table_no.value);
  try { await call('POST', url('/facilitators'), body); form.reset(); showErrors(form, null); await refreshFacs(); form.elements.name.focus(); }
  catch (err) { showErrors(form, err instanceof ApiError ? err.body : { error: err.message }); }
});
for (const a of document.querySelectorAll('[data-export]')) {
  a.addEventListener('click', () => { $('#export-progress').textContent = t('js.export_running'); setTimeout(() => { $('#export-progress').textContent = ''; }, 4000); });
}

// Server unreachable: say what still works.
live.on((kind, state) => {
  if (kind !== 'conn') return;
  const note = $('#offline-note');
  if (state === 'online') seenOnline = true;
  note.hidden = state === 'online' || !seenOnline;
  if (!note.hidden) note.textContent = t('js.organiser_offline');
});
let seenOnline = false;

let b2bTimer = 0;
live.on((kind, d) => {
  if (kind === 'stats' || kind === 'reset') { renderStats(live.stats); renderIntake(); renderSteps(); }
  if (kind === 'workshop' || kind === 'reset') { renderIntake(); renderSteps(); }
  if (kind === 'change' && d.entity === 'facilitator') refreshFacs().then(renderSteps);
  // The contacts list is fetched only while its tab is shown (it is the organiser's, not broadcast).
  const b2bShown = $('#sec-b2b') && !$('#sec-b2b').hidden;
  if (b2bShown && ((kind === 'change' && d.entity === 'idea') || kind === 'reset')) { clearTimeout(b2bTimer); b2bTimer = setTimeout(renderB2B, 300); }
  if (kind === 'storage_error') { const a = $('#storage-alert'); a.hidden = false; a.textContent = `${t('err.storage')} (${d})`; }
});

(async () => {
  await live.load();
  renderFacilitators();
  renderSteps();
  renderIntake();
  document.body.dataset.ready = '1';
  followAddress(live.connect());
})();

// "Back up now": a copy of the workshop file, next to the automatic ones.
document.getElementById('backup-now').addEventListener('click', async (ev) => {
  const btn = ev.currentTarget; btn.disabled = true;
  try { const r = await call('POST', url('/backup'), {}); document.getElementById('backup-result').textContent = r.message; }
  catch (err) { document.getElementById('backup-result').textContent = err.message; }
  finally { btn.disabled = false; }
});
