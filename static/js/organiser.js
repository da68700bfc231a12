// The organiser's page: counters, intake, facilitators, B2B list, exports.
import { ApiError, call, uuid } from './lib/api.js';
import { $, bootData, el, setCatalogue, showErrors, t, toast } from './lib/dom.js';
import { renderStats } from './lib/counters.js';
import { Live } from './lib/live.js';

const boot = bootData();
setCatalogue(boot.i18n);
const W = boot.workshop;
const url = (p) => `/api/w/${W}${p}`;
const live = new Live(W);

function renderIntake() {
  const info = live.info || {};
  const open = !!info.intake_open;
  const btn = $('#intake-toggle');
  btn.textContent = open ? t('js.close_intake') : t('js.open_intake');
  btn.setAttribute('aria-pressed', String(open));
  $('#intake-state').textContent = open ? t('js.intake_is_open') : t('js.intake_is_closed');
  $('#phase').value = info.phase || 'live';
}

function renderSteps() {
  const s = live.stats || {};
  const info = live.info || {};
  const done = {
    facilitators: (s.facilitators || 0) > 0, posters: false, intake: (s.sheets || 0) > 0, wall: (s.sheets || 0) > 0,
    close: !info.intake_open, export: false, lock: info.phase === 'locked' || info.phase === 'followup',
  };
  let current = null;
  for (const li of document.querySelectorAll('#steps li')) {
    const d = done[li.dataset.step];
    li.classList.toggle('done', !!d);
    li.removeAttribute('aria-current');
    if (!d && !current && li.dataset.step !== 'posters') { current = li; li.setAttribute('aria-current', 'step'); }
  }
  $('#empty-hint').hidden = (s.organisations || 0) > 0;
}

function renderFacilitators() {
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

$('#intake-toggle').addEventListener('click', async () => {
  try { const r = await call('POST', url('/intake'), { open: !(live.info && live.info.intake_open) }); live.info = r.record; renderIntake(); renderSteps(); }
  catch (err) { toast(err.message, 'error'); }
});
$('#phase').addEventListener('change', async (ev) => {
  try { const r = await call('POST', url('/phase'), { phase: ev.target.value }); live.info = r.record; renderIntake(); renderSteps(); }
  catch (err) { toast(err.message, 'error'); renderIntake(); }
});
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

let b2bTimer = 0;
live.on((kind, d) => {
  if (kind === 'stats' || kind === 'reset') { renderStats(live.stats); renderSteps(); }
  if (kind === 'workshop' || kind === 'reset') { renderIntake(); renderSteps(); }
  if (kind === 'change' && d.entity === 'facilitator') refreshFacs();
  if ((kind === 'change' && d.entity === 'idea') || kind === 'reset') { clearTimeout(b2bTimer); b2bTimer = setTimeout(renderB2B, 300); }
  if (kind === 'storage_error') { const a = $('#storage-alert'); a.hidden = false; a.textContent = `${t('err.storage')} (${d})`; }
});

(async () => {
  await live.load();
  renderFacilitators();
  live.connect();
})();
