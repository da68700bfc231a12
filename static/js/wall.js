// The projector wall: big counters, ideas per status and category, the latest cards.
import { bootData, el, formatDate, lbl, setCatalogue, t } from './lib/dom.js';
import { renderStats } from './lib/counters.js';
import { Live } from './lib/live.js';

const boot = bootData();
setCatalogue(boot.i18n);
const live = new Live(boot.workshop);
const feed = document.getElementById('feed');
const MAX = 12;

function orgName(id) { const o = live.maps.organisations.get(id); return o ? o.name : ''; }

function card(entity, r, action) {
  if (entity === 'sheet') {
    return el('li', { class: `feed-item sheet ${r.kind}` },
      el('span', { class: `tag ${r.kind}`, text: lbl('sheet_kind', r.kind) }),
      el('strong', { text: r.title }),
      el('span', { class: 'muted', text: `${r.anonymous ? '' : orgName(r.organisation_id)} · ${lbl('cat', r.category)}` }));
  }
  const moved = action === 'move' || action === 'undo';
  return el('li', { class: `feed-item idea s-${r.status}` },
    el('span', { class: `status s-${r.status}`, text: moved ? `→ ${lbl('status', r.status)}` : t('js.new_idea') }),
    el('strong', { text: r.title }),
    el('span', { class: 'muted', text: (r.org_ids || []).map(orgName).filter(Boolean).join(r.kind === 'exchange' ? ' → ' : ' · ') }));
}

function initialFeed() {
  const items = [...live.list('sheets').map((r) => ['sheet', r]), ...live.list('ideas').map((r) => ['idea', r])]
    .sort((a, b) => (b[1].updated_at || '').localeCompare(a[1].updated_at || '')).slice(0, MAX);
  feed.replaceChildren(...items.map(([e, r]) => card(e, r, null)));
}

live.on((kind, d) => {
  if (kind === 'reset') { renderStats(live.stats); initialFeed(); }
  if (kind === 'stats') renderStats(d);
  if (kind === 'change' && d.record && (d.entity === 'sheet' || d.entity === 'idea') && ['create', 'move', 'undo', 'b2b'].includes(d.action)) {
    feed.prepend(card(d.entity, d.record, d.action));
    while (feed.children.length > MAX) feed.lastChild.remove();
  }
});

(async () => { await live.load(); live.connect(); })();
void formatDate;
