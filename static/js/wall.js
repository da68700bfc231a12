// The projector wall: big counters, ideas per status and category, the latest cards.
// Lists show as many whole rows as the screen holds (never a half card): they are
// rendered, then trimmed from the end until they fit, again on every resize.
import { bootData, el, lbl, setCatalogue, t } from './lib/dom.js';
import { formatNumber, pluralCategory, renderStats } from './lib/counters.js';
import { Live } from './lib/live.js';
import { followAddress } from './lib/address.js';

const boot = bootData();
setCatalogue(boot.i18n);
const live = new Live(boot.workshop);
const feed = document.getElementById('feed');
const cats = document.getElementById('by-category');
const MAX = 12;
let latest = [];   // [entity, record, action], newest first

function orgName(id) { const o = live.maps.organisations.get(id); return o ? o.name : ''; }

function card(entity, r, action) {
  if (entity === 'sheet') {
    const who = r.anonymous ? '' : orgName(r.organisation_id);
    return el('li', { class: `sheet ${r.kind}` },
      el('strong', {}, el('span', { class: `tag ${r.kind}`, text: lbl('sheet_kind', r.kind) }), r.title),
      el('span', { class: 'muted', text: [who, lbl('cat', r.category)].filter(Boolean).join(' · ') }));
  }
  const moved = action === 'move' || action === 'undo';
  return el('li', { class: `idea s-${r.status}` },
    el('strong', {}, el('span', { class: `status s-${r.status}`, text: moved ? `→ ${lbl('status', r.status)}` : t('js.new_idea') }), r.title),
    el('span', { class: 'muted', text: (r.org_ids || []).map(orgName).filter(Boolean).join(r.kind === 'exchange' ? ' → ' : ' · ') }));
}

/** Remove rows from the end of ``list`` while it overflows its box. */
function trim(list) {
  while (list.scrollHeight > list.clientHeight + 1 && list.lastElementChild) list.lastElementChild.remove();
}

function renderFeed() {
  feed.replaceChildren(...latest.map(([e, r, a]) => card(e, r, a)));
  trim(feed);
}

function bar(pct) {
  const span = el('span', { class: 'bar' });
  span.style.width = `${pct}%`; // CSSOM, allowed by our CSP (style attributes are not)
  return span;
}

function renderCategories(stats) {
  const rows = Object.entries((stats && stats.by_category) || {})
    .filter(([, v]) => v.sheets + v.ideas > 0)
    .sort((a, b) => (b[1].sheets + b[1].ideas) - (a[1].sheets + a[1].ideas));
  const max = Math.max(1, ...rows.map(([, v]) => v.sheets + v.ideas));
  const items = rows.map(([cat, v]) => el('li', { dataset: { cat } },
    el('span', { class: 'bar-label', text: lbl('cat', cat) }),
    el('span', { class: 'bar-value', text: `${formatNumber(v.sheets)} · ${formatNumber(v.ideas)}` }),
    bar(Math.round(100 * (v.sheets + v.ideas) / max))));
  cats.replaceChildren(...items);
  if (cats.scrollHeight <= cats.clientHeight + 1) return;
  const more = el('li', { class: 'more' });
  more.hiddenCount = 0;
  cats.append(more);
  // Drop the smallest categories first, keeping the "+ N more" line last.
  while (cats.scrollHeight > cats.clientHeight + 1 && cats.children.length > 1) {
    cats.children[cats.children.length - 2].remove();
    more.hiddenCount += 1;
    more.textContent = t(`js.wall_more_cats.${pluralCategory(more.hiddenCount)}`, { n: formatNumber(more.hiddenCount) });
  }
}

function renderStatusLabels(stats) {
  for (const dt of document.querySelectorAll('[data-status-label]')) {
    const s = dt.dataset.statusLabel;
    dt.textContent = t(`status_n.${s}.${pluralCategory(((stats && stats.by_status) || {})[s] || 0)}`);
  }
}

/** The big counters shrink together when a number outgrows its tile (2 780 sheets, 5 100 ideas at 10x):
 *  a figure never runs onto the next tile, and the four stay the same size. */
function fitCounters() {
  const dds = [...document.querySelectorAll('#counters dd')];
  for (const dd of dds) dd.style.fontSize = '';
  const ratio = Math.min(1, ...dds.map((dd) => (dd.scrollWidth > dd.clientWidth ? dd.clientWidth / dd.scrollWidth : 1)));
  if (ratio >= 1) return;
  const px = Math.floor(parseFloat(getComputedStyle(dds[0]).fontSize) * ratio * 0.97);
  for (const dd of dds) dd.style.fontSize = `${px}px`; // CSSOM, allowed by our CSP
}

function render(stats) {
  renderStats(stats);
  fitCounters();
  renderStatusLabels(stats);
  renderCategories(stats);
}

function initialFeed() {
  latest = [...live.list('sheets').map((r) => ['sheet', r, null]), ...live.list('ideas').map((r) => ['idea', r, null])]
    .sort((a, b) => (b[1].updated_at || '').localeCompare(a[1].updated_at || '')).slice(0, MAX);
  renderFeed();
}

live.on((kind, d) => {
  if (kind === 'reset') { render(live.stats); initialFeed(); document.body.dataset.ready = '1'; }
  if (kind === 'stats') render(d);
  if (kind === 'change' && d.record && (d.entity === 'sheet' || d.entity === 'idea') && ['create', 'move', 'undo', 'b2b'].includes(d.action)) {
    latest = [[d.entity, d.record, d.action], ...latest.filter(([, r]) => r.id !== d.record.id)].slice(0, MAX);
    renderFeed();
  }
});

let resizeTimer = 0;
window.addEventListener('resize', () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => { render(live.stats); renderFeed(); }, 100);
});

(async () => { await live.load(); followAddress(live.connect()); })();
