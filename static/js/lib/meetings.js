// B2B meetings on any screen: the board from /api/w/<id>/meetings, refreshed whenever a
// meeting, place, set-up or attendance change arrives on the socket (or after a reconnect),
// and the server's clock (offset measured on every load, half the round trip corrected).
import { Latest, call } from './api.js';
import { sharedLive } from './live.js';

const MINE = new Set(['meeting', 'b2b_setup', 'b2b_place', 'b2b_attendance', 'organisation', 'idea']);

export class Meetings {
  constructor(workshop) {
    this.workshop = workshop;
    this.board = null;
    this.offset = 0;      // server clock - this screen's clock, in ms
    this.listeners = new Set();
    this.timer = null;
    this.live = null;
    this.shownText = '';
    this.loads = new Latest();
  }

  on(fn) { this.listeners.add(fn); return () => this.listeners.delete(fn); }

  now() { return Date.now() + this.offset; }

  async load() {
    const sent = Date.now();
    const current = this.loads.ask();
    const board = await call('GET', `/api/w/${encodeURIComponent(this.workshop)}/meetings`);
    const back = Date.now();
    if (!current()) return this.board;  // a later load was asked meanwhile: its answer is the one shown
    this.offset = board.server_time + (back - sent) / 2 - back;
    // a reload that brings nothing new (the socket's first connect, a reconnect) redraws nothing:
    // a grid replaced under a drag loses the drop
    const text = JSON.stringify({ ...board, server_time: 0 });
    if (text === this.shownText) return this.board;
    this.shownText = text;
    this.board = board;
    for (const fn of this.listeners) fn(board);
    return board;
  }

  /** Reload soon (changes come in bursts: a plan moves many meetings at once). */
  refresh() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.load().catch(() => {}), 120);
  }

  connect() {
    this.live = sharedLive(this.workshop);
    const socket = this.live.connect();
    // changes reach us through the page's Live, in order and resynced after a gap, whatever the wire format
    this.live.on((kind, detail) => {
      if (kind === 'connected') this.refresh();
      else if ((kind === 'change' || kind === 'other') && detail && MINE.has(detail.entity)) this.refresh();
    });
    return socket;
  }

  // -- helpers over the board ------------------------------------------------------------
  org(id) { return (this.board.organisations || []).find((o) => o.id === id) || null; }
  orgName(id) { const o = this.org(id); return o ? o.name : '?'; }
  place(id) { return (this.board.places || []).find((p) => p.id === id) || null; }
  placeName(id) { const p = this.place(id); return p ? p.name : ''; }
  slot(i) { return (this.board.slots || [])[i] || null; }
  title(m) { return (m.idea_id && this.board.idea_titles[m.idea_id]) || m.note || ''; }

  /** Start and end of a slot as server-clock milliseconds. */
  span(slot) {
    return [slot.start_ms, slot.end_ms];
  }

  /** The slot running now, the next one, and where we are: before / in / pause / after. */
  round(now = this.now()) {
    const slots = this.board.slots || [];
    for (let i = 0; i < slots.length; i += 1) {
      const [a, b] = this.span(slots[i]);
      if (now < a) return { phase: i === 0 ? 'before' : 'pause', current: null, next: slots[i], ends: a };
      if (now < b) return { phase: 'in', current: slots[i], next: slots[i + 1] || null, ends: b };
    }
    return { phase: 'after', current: null, next: null, ends: null };
  }

  planned() {
    return (this.board.meetings || []).filter((m) => m.request_status === 'accepted' && m.status !== 'cancelled'
      && m.slot !== null && m.slot !== undefined);
  }
}

export function clock(ms) {
  const s = Math.max(0, Math.round(ms / 1000));
  const m = Math.floor(s / 60);
  return `${String(m).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}
