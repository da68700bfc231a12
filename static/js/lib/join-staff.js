// Join requests on the staff's screens (facilitator board, organiser page).
//
// A phone asking to join an organisation that already has a phone waits for a
// member's approval, the organisation's code, or staff: this panel lists the
// pending requests of the whole room, oldest first, each with "Let in" /
// "Turn away". It follows the live state: requests arrive and leave with the
// `device` changes app/realtime.py broadcasts (whoever answered: a member's
// phone, another facilitator, the organiser, or the code).
import { ApiError, call, uuid } from './api.js';
import { $, el, formatDate, t, toast } from './dom.js';
import { pluralCategory } from './counters.js';

export class StaffJoinRequests {
  constructor(live, { root = '#sj-panel' } = {}) {
    this.live = live;
    this.root = $(root);
    this.requests = new Map(); // device id -> pending request
    this.busy = new Set();
    if (!this.root) return;
    live.on((kind, msg) => {
      if (kind === 'reset') this.fromState(live.state);
      else if (kind === 'other' && msg.entity === 'device') this.onDevice(msg);
      else if (kind === 'change' && msg.entity === 'organisation') this.render(); // a renamed organisation
    });
  }

  fromState(s) {
    this.requests.clear();
    for (const r of (s && s.join_requests) || []) this.requests.set(r.id, r);
    this.render();
  }

  onDevice(msg) {
    const r = msg.record;
    if (r && r.state === 'pending' && !r.revoked) this.requests.set(msg.id, r);
    else this.requests.delete(msg.id);
    this.render();
  }

  orgName(id) {
    const o = this.live.maps.organisations.get(id);
    return (o && o.name) || t('js.staffjoin.unknown_org');
  }

  async answer(req, accept) {
    if (this.busy.has(req.id)) return;
    this.busy.add(req.id);
    this.render();
    try {
      await call('POST', `/api/w/${this.live.workshop}/join-requests/${req.id}`, { accept, request_id: uuid() });
      toast(t(accept ? 'js.staffjoin.done_in' : 'js.staffjoin.done_out', { name: this.orgName(req.organisation_id) }));
      this.requests.delete(req.id);
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) { // answered meanwhile by someone else
        toast(t('js.staffjoin.already'));
        this.requests.delete(req.id);
      } else toast(e.message, 'error');
    } finally {
      this.busy.delete(req.id);
      this.render();
    }
  }

  render() {
    if (!this.root) return;
    const list = [...this.requests.values()].sort((a, b) => String(a.created_at).localeCompare(String(b.created_at)));
    this.root.hidden = !list.length;
    this.root.dataset.count = String(list.length);
    $('#sj-title', this.root).textContent = t(`js.staffjoin.title_${pluralCategory(list.length)}`, { n: list.length });
    const lang = document.documentElement.lang;
    $('#sj-list', this.root).replaceChildren(...list.map((r) => {
      const who = r.label || t('js.join_someone');
      const name = this.orgName(r.organisation_id);
      const busy = this.busy.has(r.id);
      return el('li', { class: 'sj-item', dataset: { device: r.id } },
        el('p', { class: 'sj-text' },
          el('strong', { text: who }), ` ${t('js.staffjoin.asks')} `, el('strong', { class: 'sj-org', text: name }),
          r.created_at ? el('span', { class: 'muted sj-when', text: ` · ${formatDate(r.created_at, lang)}` }) : null),
        el('div', { class: 'sj-actions' },
          el('button', { class: 'btn primary', type: 'button', disabled: busy, text: t('js.join_accept'),
            'aria-label': t('js.staffjoin.accept_aria', { who, name }), onclick: () => this.answer(r, true) }),
          el('button', { class: 'btn', type: 'button', disabled: busy, text: t('js.join_refuse'),
            'aria-label': t('js.staffjoin.refuse_aria', { who, name }), onclick: () => this.answer(r, false) })));
    }));
  }
}
