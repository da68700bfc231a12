// "Mes rendez-vous" on a participant's phone: the next meeting first (time, place, with whom,
// which idea, the other side's contact when shared), live; requests to answer; one-tap outcomes.
// Self-contained: the page only holds an empty <section id="my-meetings">. Other parts of the
// page can open a request with:
//   document.dispatchEvent(new CustomEvent('atelier:request-meeting', {detail: {org_id, sheet_id, idea_id, origin}}))
import { call, uuid } from './lib/api.js';
import { bootData, el, reconcile, toast } from './lib/dom.js';
import { Meetings } from './lib/meetings.js';

const boot = bootData();
const box = document.getElementById('my-meetings');
const mm = new Meetings(boot.workshop);
let T = {};
const t = (k, p) => { let s = T[k] || k; for (const [a, b] of Object.entries(p || {})) s = s.replaceAll(`{${a}}`, String(b)); return s; };
const OUTCOMES = ['none', 'valuable', 'negotiation', 'agreement'];
let pendingAsk = null;  // a request opened from elsewhere on the page, before the board is loaded

function me() { return mm.board && mm.board.me && mm.board.me.org; }
function others(m) { return (m.org_ids || []).filter((o) => o !== me()); }
function withWhom(m) { return others(m).map((o) => mm.orgName(o)).join(' · '); }
function when(m) { const s = mm.slot(m.slot); return s ? `${s.start} – ${s.end}` : ''; }

async function post(path, body, okText) {
  try {
    await call('POST', `/api/w/${encodeURIComponent(boot.workshop)}${path}`, body);
    if (okText) toast(okText);
    mm.refresh();
  } catch (e) {
    toast((e.body && e.body.error) || e.message, 'error');
    mm.refresh();
  }
}

function contact(m) {
  const rows = [];
  for (const o of others(m)) {
    const org = mm.org(o);
    if (!org || !(org.email || org.phone || org.contact_name)) continue;
    rows.push(el('p', { class: 'mm-contact' },
      el('span', { text: `${org.name} : ${org.contact_name || ''}` }),
      org.phone ? el('a', { href: `tel:${org.phone.replace(/\s+/g, '')}`, text: org.phone }) : null,
      org.email ? el('a', { href: `mailto:${org.email}`, text: org.email }) : null));
  }
  return rows;
}

function countdown(m) {
  const s = mm.slot(m.slot);
  if (!s) return '';
  const now = mm.now();
  const [a, b] = mm.span(s);
  if (now < a) {
    const min = Math.ceil((a - now) / 60000);
    return min >= 60 ? t('b2b.at', { time: s.start }) : t('b2b.in_min', { n: min });
  }
  if (now < b) return t('b2b.running', { n: Math.ceil((b - now) / 60000) });
  return t('b2b.over');
}

function outcomeBlock(m) {
  const mine = (m.outcomes || {})[me()];
  const wrap = el('div', { class: 'mm-outcome' });
  if (mine) {
    wrap.append(el('p', { class: 'mm-done', text: `${t('b2b.outcome_recorded')} ${t(`b2b.outcome.${mine.outcome}`)}` }));
    if (mine.next_step) wrap.append(el('p', { class: 'muted', text: `${t('b2b.next_step')} : ${mine.next_step}` }));
    return wrap;
  }
  const step = el('input', { type: 'text', maxlength: '300', 'aria-label': t('b2b.next_step'), placeholder: t('b2b.next_step_hint') });
  wrap.append(el('p', { class: 'mm-ask', text: t('b2b.how_was_it') }));
  const buttons = el('div', { class: 'mm-outcomes' });
  for (const o of OUTCOMES) {
    buttons.append(el('button', {
      type: 'button', class: `btn mm-o-${o}`, text: t(`b2b.outcome.${o}`), dataset: { outcome: o },
      onclick: () => post(`/meetings/${m.id}/outcome`, { version: m.version, outcome: o, next_step: step.value || null },
        t('b2b.outcome_saved')),
    }));
  }
  wrap.append(buttons, step);
  return wrap;
}

function meetingCard(m, { highlight = false } = {}) {
  const started = mm.slot(m.slot) && mm.now() >= mm.span(mm.slot(m.slot))[0];
  const moved = m.previous_slot !== null && m.previous_slot !== undefined && mm.slot(m.previous_slot)
    && m.previous_slot !== m.slot;
  const card = el('article', { class: `mm-card${highlight ? ' mm-next' : ''}`, dataset: { meeting: m.id } },
    highlight ? el('p', { class: 'mm-kicker', text: t('b2b.next_meeting') }) : null,
    el('p', { class: 'mm-when' }, el('strong', { text: when(m) }), ' ', el('span', { class: 'mm-count', text: countdown(m) })),
    el('p', { class: 'mm-place', text: mm.placeName(m.place_id) }),
    el('p', { class: 'mm-who' }, t('b2b.with'), ' ', el('strong', { text: withWhom(m) })),
    mm.title(m) ? el('p', { class: 'mm-idea muted', text: mm.title(m) }) : null,
    moved ? el('p', { class: 'mm-moved', text: t('b2b.moved', { time: mm.slot(m.previous_slot).start }) }) : null,
    ...(highlight ? contact(m) : []));
  if (m.status === 'no_show') card.append(el('p', { class: 'muted', text: t('b2b.status.no_show') }));
  else if (started || m.status === 'held') card.append(outcomeBlock(m));
  return card;
}

function requestRow(m) {
  const incoming = m.request_status === 'pending' && !(m.accepted_by || []).includes(me());
  const li = el('li', { class: `mm-req r-${m.request_status}`, dataset: { meeting: m.id } },
    el('p', {}, el('strong', { text: withWhom(m) }), ' ', el('span', { class: 'tag', text: t(`b2b.request.${m.request_status}`) })),
    mm.title(m) ? el('p', { class: 'muted', text: mm.title(m) }) : null);
  if (incoming) {
    li.append(el('div', { class: 'row gap' },
      el('button', { type: 'button', class: 'btn primary', text: t('b2b.accept'),
        onclick: () => post(`/meetings/${m.id}/answer`, { version: m.version, answer: 'accept' }, t('b2b.accepted')) }),
      el('button', { type: 'button', class: 'btn danger', text: t('b2b.decline'),
        onclick: () => post(`/meetings/${m.id}/answer`, { version: m.version, answer: 'decline' }, t('b2b.declined')) })));
  } else if (m.request_status === 'pending') {
    li.append(el('p', { class: 'muted', text: t('b2b.waiting') }),
      el('button', { type: 'button', class: 'btn', text: t('b2b.cancel'),
        onclick: () => post(`/meetings/${m.id}/answer`, { version: m.version, answer: 'cancel' }, t('b2b.cancelled')) }));
  }
  return li;
}

function askForm(preset) {
  const all = (mm.board.all_organisations || []).filter((o) => o.id !== me());
  const select = el('select', { id: 'mm-org', name: 'org', required: true },
    el('option', { value: '', text: '—' }), ...all.map((o) => el('option', { value: o.id, text: o.name })));
  const note = el('input', { id: 'mm-note', name: 'note', type: 'text', maxlength: '300' });
  const form = el('form', { class: 'stack mm-ask-form', novalidate: true },
    el('div', { class: 'field' }, el('label', { for: 'mm-org', text: t('b2b.ask_who') }), select),
    el('div', { class: 'field' }, el('label', { for: 'mm-note', text: t('b2b.ask_note') }), note),
    el('button', { type: 'submit', class: 'btn primary', text: t('b2b.ask_send') }));
  if (preset && preset.org_id) select.value = preset.org_id;
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    if (!select.value) { toast(t('b2b.ask_pick'), 'error'); return; }
    const body = { id: uuid(), org_ids: [select.value], note: note.value || null, origin: (preset && preset.origin) || 'phone' };
    if (preset && preset.sheet_id) body.sheet_id = preset.sheet_id;
    if (preset && preset.idea_id) body.idea_id = preset.idea_id;
    pendingAsk = null;
    post('/meetings', body, t('b2b.ask_sent'));
  });
  const details = el('details', { class: 'mm-ask-box' }, el('summary', { text: t('b2b.ask') }), form);
  if (preset) details.open = true;
  return details;
}

const seenIncoming = new Set();

function render() {
  const board = mm.board;
  if (!board || !me()) { box.hidden = true; return; }
  T = board.i18n || {};
  const mine = board.meetings.filter((m) => (m.org_ids || []).includes(me()));
  const planned = mine.filter((m) => m.request_status === 'accepted' && m.status !== 'cancelled' && m.slot !== null && m.slot !== undefined)
    .sort((a, b) => a.slot - b.slot);
  const now = mm.now();
  const upcoming = planned.filter((m) => mm.slot(m.slot) && mm.span(mm.slot(m.slot))[1] > now);
  const next = upcoming[0] || null;
  const requests = mine.filter((m) => m.request_status !== 'accepted' || m.slot === null || m.slot === undefined)
    .filter((m) => m.status !== 'held');
  const rest = planned.filter((m) => m !== next);
  const base = `/w/${encodeURIComponent(boot.code)}/meetings/${encodeURIComponent(me())}/agenda`;
  // The section's parts, each redrawn only when it changed (the lists card by card): a fold opened or a
  // note being typed stays as it is while the room's changes reload the board.
  const parts = [
    { key: 'head', draw: () => el('h2', { id: 'mm-h', text: t('b2b.my_meetings') }) },
    next ? { key: `next-${next.id}`, data: next, draw: () => meetingCard(next, { highlight: true }) }
      : !planned.length && { key: 'none', draw: () => el('p', { class: 'muted', text: t('b2b.none_yet') }) },
    rest.length && { key: 'rest', draw: () => el('ul', { class: 'mm-list' }) },
    // folded: an organisation in many B2B ideas has many requests, and the tabs must stay on the first screen
    requests.length && { key: 'requests', draw: () => el('details', { class: 'mm-reqs-box' },
      el('summary', { class: 'mm-reqs-sum' }), el('ul', { class: 'mm-reqs' })) },
    planned.length && { key: 'agenda', draw: () => el('p', { class: 'row gap mm-agenda' },
      el('a', { class: 'btn', href: `${base}.pdf`, text: t('b2b.my_agenda_pdf') }),
      el('a', { class: 'btn', href: `${base}.ics`, text: t('b2b.my_agenda_ics') })) },
    { key: 'ask', data: pendingAsk, draw: () => askForm(pendingAsk) },
  ].filter(Boolean);
  reconcile(box, parts, (p) => p.key, (p) => p.draw(), { stamp: (p) => JSON.stringify(p.data ?? null) });
  if (rest.length) reconcile(box.querySelector(':scope > .mm-list'), rest, (m) => m.id, (m) => el('li', {}, meetingCard(m)));
  if (requests.length) {
    const fold = box.querySelector(':scope > .mm-reqs-box');
    const incoming = requests.filter((m) => m.request_status === 'pending' && !(m.accepted_by || []).includes(me()));
    fold.querySelector('.mm-reqs-sum').textContent = [`${t('b2b.requests')} (${requests.length})`,
      incoming.length ? t('b2b.requests_to_answer', { n: incoming.length }) : ''].filter(Boolean).join(' · ');
    // a request waiting for this organisation's answer opens the fold (once: closing it is then up to them)
    if (incoming.some((m) => !seenIncoming.has(m.id))) fold.open = true;
    for (const m of incoming) seenIncoming.add(m.id);
    reconcile(fold.querySelector('.mm-reqs'), requests, (m) => m.id, requestRow);
  }
  box.hidden = false;
}

// A "Demander un rendez-vous" button on the room's sheets of other organisations and on this
// organisation's ideas: one tap sends the request to the organisations of that sheet or idea.
function askButtons() {
  if (!mm.board || !me()) return;
  const add = (li, key, origin) => {
    if (li.querySelector('.mm-ask-one')) return;
    const title = (li.querySelector('h3') || {}).textContent || '';
    // beside "Ça m'intéresse" when the card has that row: one row of actions keeps the room's cards short
    const row = li.querySelector(':scope > .sheet-foot') || li;
    row.append(el('button', { type: 'button', class: 'btn mm-ask-one', text: row === li ? t('b2b.ask_short') : t('b2b.ask_button'),
      'aria-label': title ? `${t('b2b.ask_short')} — ${title}` : t('b2b.ask_short'),
      onclick: (ev) => { ev.stopPropagation(); ev.currentTarget.disabled = true;
        post('/meetings', { id: uuid(), [key]: li.dataset.id, origin }, t('b2b.ask_sent')); } }));
  };
  for (const li of document.querySelectorAll('#panel-room li.card.sheet[data-id]')) add(li, 'sheet_id', 'sheet');
  for (const li of document.querySelectorAll('#my-ideas li.card.idea[data-id]')) add(li, 'idea_id', 'idea');
}
let askQueued = false;
new MutationObserver(() => {
  if (askQueued) return;
  askQueued = true;
  requestAnimationFrame(() => { askQueued = false; askButtons(); });
}).observe(document.body, { childList: true, subtree: true });

mm.on(render);
mm.on(askButtons);
document.addEventListener('atelier:request-meeting', (ev) => {
  pendingAsk = ev.detail || {};
  if (mm.board) { render(); box.scrollIntoView({ behavior: 'smooth' }); }
});
// the page shows its space once the phone has picked its organisation: load then
const space = document.getElementById('space');
if (space) new MutationObserver(() => { if (!space.hidden) mm.refresh(); }).observe(space, { attributes: true, attributeFilter: ['hidden'] });
mm.connect();
mm.load().catch(() => {});
setInterval(() => { if (mm.board) render(); }, 15000); // the countdowns; what is being typed stays
