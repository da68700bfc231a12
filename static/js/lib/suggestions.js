// Suggested synergies on a screen: loaded from the API, kept live by the socket's
// "suggestions" messages (the server sends each role only what it may see).
import { Latest, call } from './api.js';

export class SuggestionFeed {
  constructor(workshop) {
    this.workshop = workshop;
    this.items = new Map();
    this.decisions = new Map();
    this.listeners = new Set();
    this.loaded = false;
    this.loads = new Latest();
  }

  on(fn) { this.listeners.add(fn); return () => this.listeners.delete(fn); }
  emit(kind) { for (const fn of this.listeners) fn(kind); }

  async load(params = {}) {
    const q = new URLSearchParams(params).toString();
    const current = this.loads.ask();
    const res = await call('GET', `/api/w/${this.workshop}/suggestions${q ? `?${q}` : ''}`);
    // answers can come back out of order ("Ma table", then "Toutes" at once): only the last asked is shown
    if (!current()) return res;
    this.items = new Map(res.suggestions.map((s) => [s.id, s]));
    // the server sends the best few hundred of what was asked: how many more it has (counts include them)
    this.beyond = Math.max(0, (res.total || 0) - res.suggestions.length);
    if (res.decisions) this.decisions = new Map(res.decisions.map((d) => [d.id, d]));
    this.loaded = true;
    this.emit('reset');
    return res;
  }

  apply(msg) {
    for (const id of msg.remove || []) this.items.delete(id);
    for (const rec of msg.upsert || []) if (rec) this.items.set(rec.id, rec);
    this.emit('change');
  }

  decision(msg) {
    if (msg.entity !== 'suggestion') return;
    if (msg.record && msg.record.state !== 'open') this.decisions.set(msg.id, msg.record);
    else this.decisions.delete(msg.id);
    this.emit('decision');
  }

  // Listen on a socket; a reconnect reloads (suggestions are derived, not journaled).
  attach(socket, params = () => ({})) {
    socket.on('suggestions', (m) => this.apply(m));
    socket.on('changes', (batch) => { for (const m of batch.changes || []) this.decision(m); });
    socket.on('connect', () => { if (this.loaded) this.load(params()).catch(() => {}); });
  }

  drop(id) { this.items.delete(id); this.emit('change'); }

  list() { return Array.from(this.items.values()).sort((a, b) => b.score - a.score || a.id.localeCompare(b.id)); }

  forSheet(id) { return this.list().filter((s) => s.offer_sheet_id === id || s.need_sheet_id === id); }
}

export const reasonText = (r, lang) => (lang === 'en' ? r.en : r.fr) || r.fr;
