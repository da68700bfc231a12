// The organiser's page: counters, intake, facilitators, B2B list, exports.
import { ApiError, call, uuid } from './lib/api.js';
import { $, bootData, el, setCatalogue, showErrors, t, toast } from './lib/dom.js';
import { renderStats } from './lib/counters.js';
import { Live } from './lib/live.js';
import { followAddress } from './lib/address.js';

const boot = bootData();
setCatalogue(boot.i18n);
const W = boot.workshop;
const url = (p) => `/api/w/${W}${p}`;
const live = new Live(W);

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

function renderIntake() {
  const info = live.info || {};
  const open = intakeIsOpen();
  const btn = $('#intake-toggle');
  btn.textContent = open ? t('js.close_intake') : t('js.open_intake');
  btn.classList.toggle('primary', open && currentStep === 'close');
  $('#intake-open').hidden = open;
  $('#intake-state').textContent = open ? t('js.intake_is_open') : t('js.intake_is_closed');
  $('#phase').value = info.phase || 'live';
  const locked = info.phase === 'locked';
  $('#lock-btn').textContent = locked ? t('js.unlock') : t('js.lock');
}

let currentStep = null;
function renderSteps() {
  const s = live.stats || {};
  const info = live.info || {};
  const closed = !intakeIsOpen() && (s.organisations || 0) > 0;
  const after = ['closed', 'locked', 'followup'].includes(info.phase);
  const done = {
    facilitators: live.list('facilitators').some((f) => !f.revoked) || (s.facilitators || 0) > 0,
    posters: marks.has('posters'),
    intake: (s.organisations || 0) > 0,
    wall: marks.has('wall'),
    close: closed || after,
    export: marks.has('export'),
    lock: info.phase === 'locked' || info.phase === 'followup',
  };
  // The current step: the first one not done after the last one done (a skipped step stays "to do").
  let last = -1;
  STEPS.forEach((k, i) => { if (done[k]) last = i; });
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
  const text = currentStep ? `${t('js.next_now')} ${$(`li[data-step="${currentStep}"] .step-text`).textContent}` : t('js.all_done');
  $('#next-step').textContent = text;
  $('#empty-hint').hidden = (s.organisations || 0) > 0;
}

function renderFacilitators() {
  $('#fac-empty').hidden = live.list('facilitators').length > 0;
  const facs = live.list('facilitators').sort((a, b) => (a.table_no || 0) - (b.table_no || 0) || a.name.localeCompare(b.name));
  $('#fac-list').replaceChildren(...facs.map((f) => el('li', { class: `fac ${f.revoked ? 'revoked' : ''}` },
    el('img', { src: `/w/${boot.code}/facilitators/${f.id}/qr.png`, alt: `${t('js.fac_qr')} ${f.name}`, width: 96, height: 96, loading: 'lazy' }),
    el('span', { class: 'name', text: `${f.name} — ${t('js.table')} ${f.table_no ?? '—'}` }),
    el('code', { class: 'code', text: f.code || '' }),
    f.revoked ? el('span', { class: 'tag', text: t('js.revoked') }) : null,
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

async function renderB2B() {
  try {
    const res = await call('GET', url('/b2b'));
    $('#b2b-list').replaceChildren(...res.ideas.map((i) => el('li', {},
      el('strong', { text: i.title }), ' — ',
      i.organisations.map((o) => `${o.name || '?'}${o.contact_name ? ` (${o.contact_name}${o.email ? `, ${o.email}` : ''}${o.phone ? `, ${o.phone}` : ''})` : ''}`).join(' · '))));
    if (!res.ideas.length) $('#b2b-list').replaceChildren(el('li', { class: 'muted', text: t('js.no_b2b') }));
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
$('#intake-toggle').addEventListener('click', () => (intakeIsOpen() ? setIntake(false) : reopen()));
$('#intake-open').addEventListener('click', reopen);
$('#phase').addEventListener('change', (ev) => setPhase(ev.target.value));
$('#lock-btn').addEventListener('click', () => {
  const locked = (live.info || {}).phase === 'locked';
  if (!locked && !confirm(t('js.confirm_lock'))) return;
  setPhase(locked ? 'closed' : 'locked');
});
for (const a of document.querySelectorAll('[data-goto]')) {
  a.addEventListener('click', (ev) => {
    ev.preventDefault();
    const target = document.getElementById(a.dataset.goto) || document.querySelector(a.getAttribute('href'));
    const heading = document.querySelector(a.getAttribute('href'));
    if (heading) heading.scrollIntoView({ block: 'start', behavior: 'smooth' });
    const focus = a.dataset.goto === 'exports' ? document.querySelector('#exports a') : target;
    if (focus) focus.focus({ preventScroll: true });
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
  if (kind === 'stats' || kind === 'reset') { renderStats(live.stats); renderSteps(); }
  if (kind === 'workshop' || kind === 'reset') { renderIntake(); renderSteps(); }
  if (kind === 'change' && d.entity === 'facilitator') refreshFacs().then(renderSteps);
  if ((kind === 'change' && d.entity === 'idea') || kind === 'reset') { clearTimeout(b2bTimer); b2bTimer = setTimeout(renderB2B, 300); }
  if (kind === 'storage_error') { const a = $('#storage-alert'); a.hidden = false; a.textContent = `${t('err.storage')} (${d})`; }
});

(async () => {
  await live.load();
  renderFacilitators();
  renderSteps();
  renderIntake();
  followAddress(live.connect());
})();

// "Back up now": a copy of the workshop file, next to the automatic ones.
document.getElementById('backup-now').addEventListener('click', async (ev) => {
  const btn = ev.currentTarget; btn.disabled = true;
  try { const r = await call('POST', url('/backup'), {}); document.getElementById('backup-result').textContent = r.message; }
  catch (err) { document.getElementById('backup-result').textContent = err.message; }
  finally { btn.disabled = false; }
});
