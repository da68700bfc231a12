// The board's "Suggestions" view: offer → need pairs for the facilitator's table or the
// whole room, live, accepted (the idea) or dismissed (undoable) in one tap.
import { ApiError, call, uuid } from './lib/api.js';
import { $, bootData, el, reconcile, setCatalogue, t, toast } from './lib/dom.js';
import { openSocket } from './lib/live.js';
import { SuggestionFeed, reasonText } from './lib/suggestions.js';

const boot = bootData();
setCatalogue(boot.i18n);
const W = boot.workshop;
const LANG = boot.lang || 'fr';
const PAGE = 30;
const feed = new SuggestionFeed(W);
const panel = $('#sugg-panel');
const openBtn = $('#open-suggestions');
const myTable = boot.me && boot.me.table !== null && boot.me.table !== undefined ? boot.me.table : null;
let scope = myTable !== null ? 'table' : 'all';
let limit = PAGE;
let lastDismissed = null;
const busy = new Set();

if (myTable === null) $('#sugg-scope-table').disabled = true;
$(`#sugg-scope-${scope}`).checked = true;

// The server sends the best few hundred pairs of what is asked: "my table" asks for the table's own,
// which the room's best would mostly leave out at the real event's size (58 of 230 for a table).
const params = () => (scope === 'table' && myTable !== null ? { scope: 'table' } : {});

function inScope(s) {
  return scope === 'all' || myTable === null || s.offer_table === myTable || s.need_table === myTable;
}

function side(kind, title, org, table) {
  return el('p', { class: 'side' },
    el('span', { class: `tag ${kind}`, text: t(`js.sugg.${kind}`) }),
    el('span', { class: 'what', text: title || '?' }),
    el('span', { class: 'who', text: [org, table !== null && table !== undefined ? t('js.sugg.table', { n: table }) : ''].filter(Boolean).join(' · ') }));
}

function card(s) {
  const label = t('js.sugg.pair', { offer: s.offer_title, need: s.need_title });
  return el('li', { class: 'sugg', dataset: { id: s.id } },
    side('offer', s.offer_title, s.offer_org_name, s.offer_table),
    el('p', { class: 'arrow', 'aria-hidden': 'true', text: '↓' }),
    side('need', s.need_title, s.need_org_name, s.need_table),
    el('ul', { class: 'sugg-why' }, ...s.reasons.slice(0, 5).map((r) => el('li', { text: reasonText(r, LANG) }))),
    el('div', { class: 'row' },
      el('button', { class: 'btn primary', type: 'button', 'data-act': 'accept', 'aria-label': `${t('js.sugg.accept')} — ${label}`, text: t('js.sugg.accept'), disabled: busy.has(s.id), onclick: () => accept(s) }),
      el('button', { class: 'btn', type: 'button', 'data-act': 'dismiss', 'aria-label': `${t('js.sugg.dismiss')} — ${label}`, text: t('js.sugg.dismiss'), disabled: busy.has(s.id), onclick: () => dismiss(s) })));
}

function decidedItem(d) {
  const title = t('js.sugg.pair', { offer: titleOf(d, 'offer'), need: titleOf(d, 'need') });
  const li = el('li', { class: 'sugg', dataset: { id: d.id } }, el('p', { class: 'side' }, el('span', { class: 'what', text: title })),
    d.decided_by ? el('p', { class: 'muted', text: t('js.sugg.by', { who: d.decided_by }) }) : null);
  if (d.state === 'dismissed') {
    li.append(el('div', { class: 'row' }, el('button', { class: 'btn', type: 'button', 'data-act': 'restore', text: t('js.sugg.restore'), 'aria-label': `${t('js.sugg.restore')} — ${title}`, onclick: () => restore(d) })));
  }
  return li;
}

const titles = new Map(); // sheet id -> title, from the suggestions seen on this screen
function titleOf(d, kind) { return titles.get(d[`${kind}_sheet_id`]) || (d.reasons && d.reasons.length ? '…' : '?'); }

function render() {
  for (const s of feed.items.values()) { titles.set(s.offer_sheet_id, s.offer_title); titles.set(s.need_sheet_id, s.need_title); }
  const all = feed.list();
  const shown = all.filter(inScope);
  const total = shown.length + (feed.beyond || 0); // a dismissed or accepted pair leaves the count at once
  $('#sugg-total').textContent = String(total);
  const count = $('#sugg-count');
  if (count) count.textContent = String(total);
  if (panel.hidden) return;
  const list = $('#sugg-list');
  const none = { id: '', none: t(scope === 'table' ? 'js.sugg.none_table' : 'js.sugg.none') };
  reconcile(list, shown.length ? shown.slice(0, limit) : [none], (s) => s.id, (s) => (s.none ? el('li', { class: 'muted', text: s.none }) : card(s)));
  const more = $('#sugg-more');
  more.hidden = shown.length <= limit;
  more.textContent = `${t('js.sugg.more')} (${shown.length - limit})`;
  const decided = Array.from(feed.decisions.values());
  const dismissed = decided.filter((d) => d.state === 'dismissed');
  const accepted = decided.filter((d) => d.state === 'accepted');
  $('#sugg-dismissed-n').textContent = String(dismissed.length);
  $('#sugg-accepted-n').textContent = String(accepted.length);
  $('#sugg-dismissed').replaceChildren(...(dismissed.length ? dismissed.map(decidedItem) : [el('li', { class: 'muted', text: t('js.sugg.none_decided') })]));
  $('#sugg-accepted').replaceChildren(...(accepted.length ? accepted.map(decidedItem) : [el('li', { class: 'muted', text: t('js.sugg.none_decided') })]));
  const undo = $('#sugg-undo');
  undo.hidden = !lastDismissed;
  if (lastDismissed) {
    undo.replaceChildren(el('span', { text: t('js.sugg.dismissed_one') }),
      el('button', { class: 'btn', type: 'button', id: 'sugg-undo-btn', text: t('js.sugg.undo'), onclick: () => restore(lastDismissed) }));
  }
}

let frame = 0;
function schedule() { if (!frame) frame = requestAnimationFrame(() => { frame = 0; render(); }); }

function pairBody(s) { return { offer_sheet_id: s.offer_sheet_id, need_sheet_id: s.need_sheet_id, request_id: uuid() }; }

async function accept(s) {
  busy.add(s.id); schedule();
  try {
    const res = await call('POST', `/api/w/${W}/suggestions/accept`, pairBody(s));
    feed.drop(s.id);
    toast(t('js.sugg.accepted', { title: (res.idea && res.idea.title) || s.offer_title }));
  } catch (err) { toast(err instanceof ApiError ? err.message : t('js.offline'), 'error'); }
  busy.delete(s.id); schedule();
}

async function dismiss(s) {
  busy.add(s.id); schedule();
  try {
    await call('POST', `/api/w/${W}/suggestions/dismiss`, pairBody(s));
    feed.drop(s.id);
    lastDismissed = s;
  } catch (err) { toast(err instanceof ApiError ? err.message : t('js.offline'), 'error'); }
  busy.delete(s.id); schedule();
}

async function restore(d) {
  try {
    await call('POST', `/api/w/${W}/suggestions/restore`, pairBody(d));
    if (lastDismissed && lastDismissed.id === d.id) lastDismissed = null;
    toast(t('js.sugg.restored'));
    await feed.load(params());
  } catch (err) { toast(err instanceof ApiError ? err.message : t('js.offline'), 'error'); }
  schedule();
}

function toggle(on) {
  panel.hidden = !on;
  if (openBtn) openBtn.setAttribute('aria-expanded', String(on));
  if (on) { const other = document.getElementById('create-panel'); if (other && !other.hidden) { const c = document.getElementById('close-create'); if (c) c.click(); } }
  render();
  if (on) $('#sugg-close').focus();
}

if (openBtn) openBtn.addEventListener('click', () => toggle(panel.hidden));
$('#sugg-close').addEventListener('click', () => { toggle(false); if (openBtn) openBtn.focus(); });
for (const r of document.querySelectorAll('input[name="sugg-scope"]')) {
  r.addEventListener('change', () => {
    scope = r.value; limit = PAGE; render();
    feed.load(params()).then(render).catch((err) => toast(err.message, 'error'));
  });
}
$('#sugg-more').addEventListener('click', () => { limit += PAGE; render(); });
document.addEventListener('keydown', (ev) => { if (ev.key === 'Escape' && !panel.hidden) toggle(false); });

feed.on(schedule);
const socket = openSocket(W);
feed.attach(socket, params);
feed.load(params()).then(render).catch((err) => toast(err.message, 'error'));
