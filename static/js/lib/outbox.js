// Writes are kept on the phone until the server acknowledges them.
// Each entry is its own localStorage key, so one damaged entry never blocks the others.
import { ApiError, call } from './api.js';

const PREFIX = 'outbox:';

export class Outbox {
  constructor(workshop, { onAck, onReject, onChange, onCorrupt } = {}) {
    this.prefix = `${PREFIX}${workshop}:`;
    this.onAck = onAck || (() => {}); this.onReject = onReject || (() => {});
    this.onChange = onChange || (() => {}); this.onCorrupt = onCorrupt || (() => {});
    this.flushing = false;
    window.addEventListener('online', () => this.flush());
    document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'visible') this.flush(); });
    setInterval(() => { if (this.pending().length) this.flush(); }, 5000);
  }

  entries() {
    const out = [];
    // Snapshot the keys first: removing a damaged entry while walking localStorage by index
    // would shift the indexes and skip the entry after it (a good one would wait for the next pass).
    const keys = [];
    for (let i = 0; i < localStorage.length; i++) keys.push(localStorage.key(i));
    for (const key of keys) {
      if (!key || !key.startsWith(this.prefix)) continue;
      try {
        const e = JSON.parse(localStorage.getItem(key));
        if (!e || typeof e !== 'object' || !e.id || !e.url || !e.method) throw new Error('incomplete');
        out.push(e);
      } catch {
        localStorage.removeItem(key);
        this.onCorrupt(key);
      }
    }
    return out.sort((a, b) => a.created - b.created || (a.id < b.id ? -1 : 1));
  }

  pending() { return this.entries().filter((e) => !e.rejected); }
  rejected() { return this.entries().filter((e) => e.rejected); }

  save(e) { localStorage.setItem(this.prefix + e.id, JSON.stringify(e)); this.onChange(); }
  drop(id) { localStorage.removeItem(this.prefix + id); this.onChange(); }

  add({ id, method, url, body, kind, label }) {
    const e = { id, method, url, body, kind, label, created: Date.now(), attempts: 0 };
    this.save(e);
    this.flush();
    return e;
  }

  async flush() {
    if (this.flushing) return;
    this.flushing = true;
    try {
      for (const e of this.pending()) {
        try {
          const res = await call(e.method, e.url, e.body);
          this.drop(e.id);
          this.onAck(e, res);
        } catch (err) {
          if (err instanceof ApiError && err.status >= 400 && err.status < 500 && ![408, 425, 429].includes(err.status)) {
            e.rejected = true; e.error = err.body.error || err.message; e.fields = err.body.fields || null;
            e.current = err.body.current || null;
            this.save(e);
            this.onReject(e, err);
            continue;
          }
          e.attempts += 1; this.save(e);
          break; // offline or server down: keep order, try again later
        }
      }
    } finally { this.flushing = false; }
  }
}
