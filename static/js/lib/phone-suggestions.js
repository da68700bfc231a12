// The phone's "Ça pourrait vous intéresser" on each of the participant's own sheets, and the
// relevance of the room's sheets to them. The server sends only pairs on the participant's own
// sheets whose other sheet it may see.
import { call } from './api.js';
import { el, t } from './dom.js';
import { SuggestionFeed, reasonText } from './suggestions.js';

const SHOWN = 3;

export class PhoneSuggestions {
  constructor(workshop, { lang = 'fr', propose, onChange }) {
    this.workshop = workshop;
    this.lang = lang;
    this.propose = propose;
    this.onChange = onChange;
    this.feed = new SuggestionFeed(workshop);
    this.scores = new Map();
    this.proposed = new Set();
    this.timer = 0;
    this.feed.on(() => { this.onChange(); this.refresh(); });
  }

  async start() {
    try { await this.feed.load(); await this.loadRelevance(); } catch (e) { /* offline: shown when back */ }
  }

  attach(socket) { if (!this.attached) { this.feed.attach(socket); this.attached = true; } }

  refresh() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.loadRelevance().catch(() => {}), 800);
  }

  async loadRelevance() {
    const res = await call('GET', `/api/w/${this.workshop}/suggestions/relevance`);
    this.scores = new Map(Object.entries(res.scores || {}));
    this.onChange();
  }

  score(sheetId) { return this.scores.get(sheetId) || 0; }

  // The block under one of my sheets, or null when nothing matches it yet.
  block(sheet, { canPropose = true } = {}) {
    const mine = this.feed.forSheet(sheet.id).slice(0, SHOWN);
    if (!mine.length) return null;
    const items = mine.map((s) => {
      const other = sheet.kind === 'offer' ? { id: s.need_sheet_id, title: s.need_title, org: s.need_org_name }
        : { id: s.offer_sheet_id, title: s.offer_title, org: s.offer_org_name };
      const done = this.proposed.has(other.id);
      return el('li', { dataset: { sheet: other.id } },
        el('p', { class: 'what', text: other.title }),
        el('p', { class: 'who', text: other.org || '' }),
        el('p', { class: 'why', text: s.reasons.slice(0, 2).map((r) => reasonText(r, this.lang)).join(' · ') }),
        canPropose ? el('button', {
          class: 'btn primary', type: 'button', disabled: done, 'aria-label': `${t('js.sugg.interested')} — ${other.title}`,
          text: done ? t('js.sugg.idea_sent') : t('js.sugg.interested'),
          onclick: () => { this.proposed.add(other.id); this.propose(other); this.onChange(); },
        }) : null);
    });
    return el('section', { class: 'for-you', 'aria-label': `${t('js.sugg.for_you')} — ${sheet.title}` },
      el('h4', { text: t('js.sugg.for_you') }), el('ul', {}, ...items));
  }
}
