// Joining an organisation with its consent, on a participant's phone.
//
// Asking: the phone taps its organisation as before; if a phone is already in
// it, the server answers 202 and this module shows "waiting" (with the option of
// the organisation's 6-digit code) until a member, a facilitator or the
// organiser lets it in — the answer arrives on the socket, in the phone's own room.
// Members: a live notice "A phone asks to join X — Accept / Turn down", and the
// organisation's code shown under its name.
import { ApiError, call, uuid } from './api.js';
import { $, el, reconcile, t, toast } from './dom.js';

const NAME_KEY = 'atelier.first_name';
function savedName() {
  try { return (localStorage.getItem(NAME_KEY) || '').trim(); } catch { return ''; }
}

export class JoinConsent {
  constructor({ live, url, restart, orgName, changed }) {
    Object.assign(this, { live, url, restart, orgName, changed });
    this.requests = new Map(); // pending requests of my organisation, by device id
    this.asking = null; // { id, organisation_id } while this phone waits
    this.refused = null;
    live.on((kind, msg) => {
      if (kind === 'reset') this.fromState(live.state);
      if (kind === 'other' && msg.entity === 'device') this.onDevice(msg);
    });
    $('#jc-code-form').addEventListener('submit', (ev) => { ev.preventDefault(); this.withCode(); });
    $('#jc-label-form').addEventListener('submit', (ev) => { ev.preventDefault(); this.sendLabel(); });
    $('#jc-cancel').addEventListener('click', () => { this.asking = null; this.refused = null; this.changed(); });
  }

  fromState(s) {
    this.requests.clear();
    for (const r of (s && s.join_requests) || []) this.requests.set(r.id, r);
    const me = (s && s.me) || {};
    if (me.org) { this.asking = null; this.refused = null; }
    else if (me.asking) this.asking = { id: me.id, organisation_id: me.asking };
    else if (me.join_state === 'refused' && this.asking) { this.refused = this.asking.organisation_id; this.asking = null; }
    this.changed();
  }

  /** Tap on an organisation in the list: in at once (first phone), or asked. */
  async join(org, extra = {}) {
    const label = savedName(); // the first name this phone gave before goes with the request: no extra tap
    const res = await call('POST', this.url('/join'), { organisation_id: org.id, ...(label ? { label } : {}), ...extra });
    if (res && res.request && res.request.state === 'pending') {
      this.asking = res.request;
      this.refused = null;
      this.changed();
      // the socket was opened as a visitor: reconnect so it listens in this phone's own room
      if (this.live.socket) { this.live.socket.disconnect(); this.live.socket.connect(); }
      return false;
    }
    this.asking = null;
    await this.restart();
    return true;
  }

  /** While waiting: the first name members and staff see on the request ("Julie asks to join…"). */
  async sendLabel() {
    const input = $('#jc-label');
    const err = $('#jc-label-error');
    const label = input.value.trim();
    err.hidden = true;
    input.removeAttribute('aria-invalid');
    if (!this.asking || !label) { input.focus(); return; } // blank is no name: nothing to send
    try {
      await call('POST', this.url('/join'), { organisation_id: this.asking.organisation_id, label });
      try { localStorage.setItem(NAME_KEY, label); } catch { /* private mode: asked again next time */ }
      toast(t('js.join_label_sent'));
    } catch (e) {
      err.textContent = e instanceof ApiError && e.body && e.body.fields && e.body.fields.label ? e.body.fields.label : e.message;
      err.hidden = false;
      input.setAttribute('aria-invalid', 'true');
    }
  }

  async withCode() {
    const input = $('#jc-code');
    const err = $('#jc-code-error');
    err.hidden = true;
    if (!this.asking) return;
    try {
      await this.join({ id: this.asking.organisation_id }, { code: input.value });
      input.value = '';
      toast(t('js.join_admitted', { name: this.orgName(this.live.me && this.live.me.org) }));
    } catch (e) {
      err.textContent = e instanceof ApiError && e.body && e.body.fields && e.body.fields.code ? e.body.fields.code : e.message;
      err.hidden = false;
      input.setAttribute('aria-invalid', 'true');
      input.focus();
    }
  }

  async onDevice(msg) {
    const r = msg.record;
    if (this.asking && msg.id === this.asking.id) { // the answer to this phone's request
      if (r && r.state === 'member') {
        this.asking = null;
        await this.restart();
        toast(t('js.join_admitted', { name: this.orgName(r.organisation_id) }));
      } else if (r && r.state === 'refused') {
        this.refused = r.organisation_id; this.asking = null; this.changed();
      }
      return;
    }
    if (r && r.state === 'pending') this.requests.set(msg.id, r);
    else this.requests.delete(msg.id);
    this.changed();
  }

  async answer(req, accept) {
    try {
      await call('POST', this.url(`/join-requests/${req.id}`), { accept, request_id: uuid() });
    } catch (e) { if (!(e instanceof ApiError && e.status === 409)) toast(e.message, 'error'); }
    this.requests.delete(req.id);
    this.changed();
  }

  /** Called by the page's render(): which panel shows, and the members' notices. */
  render() {
    const me = this.live.me || {};
    const waiting = !me.org && (this.asking || this.refused);
    $('#jc-waiting').hidden = !waiting;
    if (waiting) {
      const name = this.orgName((this.asking || {}).organisation_id || this.refused);
      $('#jc-waiting-text').textContent = this.refused ? t('js.join_refused', { name }) : t('js.join_waiting', { name });
      $('#jc-code-form').hidden = !!this.refused;
      $('#jc-label-form').hidden = !!this.refused;
      if (!$('#jc-label').value) $('#jc-label').value = savedName();
    }
    const list = $('#jc-requests');
    const mine = me.org ? [...this.requests.values()].filter((r) => r.organisation_id === me.org) : [];
    list.hidden = !mine.length;
    // A notice stays the same node while the room changes: read out once, its buttons never swapped under a tap.
    reconcile(list, mine, (r) => r.id, (r) => el('li', { class: 'notice join-request', role: 'alert' },
      el('p', { text: t('js.join_request', { who: r.label || t('js.join_someone'), name: this.orgName(r.organisation_id) }) }),
      el('div', { class: 'row gap' },
        el('button', { class: 'btn primary', type: 'button', text: t('js.join_accept'), onclick: () => this.answer(r, true) }),
        el('button', { class: 'btn', type: 'button', text: t('js.join_refuse'), onclick: () => this.answer(r, false) }))));
    const org = me.org ? this.live.maps.organisations.get(me.org) : null;
    const code = $('#jc-my-code');
    code.hidden = !(org && org.join_code);
    if (org && org.join_code) $('#jc-my-code-value').textContent = `${org.join_code.slice(0, 3)} ${org.join_code.slice(3)}`;
    return waiting;
  }
}
