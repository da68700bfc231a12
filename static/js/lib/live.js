// The live state of a workshop on one screen: loaded once, kept current by
// socket messages, resynced from the journal after a gap or a reconnect.
import { io } from '/vendor/socket.io.esm.min.js';
import { call, uuid } from './api.js';
import { t } from './dom.js';

// One id per page: behind nginx (hosted mode) it keeps this screen on one process (long polling needs it),
// and the workshop in the URL lets any process reach the workshop's owner. The laptop ignores both.
const SCREEN = uuid();
export function openSocket(workshop) {
  const socket = io({ auth: { workshop }, query: { workshop, client: SCREEN }, transports: ['websocket', 'polling'],
    reconnectionDelayMax: 4000 });
  // The workshop's process is briefly away (hosted): the refusal says to try again, not to give up.
  socket.on('connect_error', (e) => { if (e && e.data && e.data.retry) setTimeout(() => socket.connect(), 2000); });
  return socket;
}

// One Live per workshop per page: the page's modules (the phone's sheets, its meetings, the wall's B2B
// round) share its state and its one socket instead of each opening another connection to the server.
const shared = new Map();
export function sharedLive(workshop) {
  if (!shared.has(workshop)) shared.set(workshop, new Live(workshop));
  return shared.get(workshop);
}

const ENTITIES = { organisation: 'organisations', sheet: 'sheets', idea: 'ideas', facilitator: 'facilitators' };

export class Live {
  constructor(workshop) {
    this.workshop = workshop;
    this.seq = 0;
    this.maps = { organisations: new Map(), sheets: new Map(), ideas: new Map(), facilitators: new Map() };
    this.info = null; this.stats = null; this.me = null;
    this.listeners = new Set();
    this.syncing = null;
    this.socket = null;
  }

  on(fn) { this.listeners.add(fn); return () => this.listeners.delete(fn); }
  emit(kind, detail) { for (const fn of this.listeners) fn(kind, detail); }

  async load() {
    const s = await call('GET', `/api/w/${this.workshop}/state`);
    for (const m of Object.values(this.maps)) m.clear();
    for (const [key, m] of Object.entries(this.maps)) for (const r of s[key] || []) m.set(r.id, r);
    this.info = s.workshop; this.stats = s.stats; this.me = s.me; this.seq = s.seq; this.state = s;
    this.emit('reset', null);
    return s;
  }

  apply(msg) {
    if (msg.entity === 'workshop') {
      if (msg.record) { this.info = msg.record; this.emit('workshop', msg.record); }
      return;
    }
    const key = ENTITIES[msg.entity];
    if (!key) { this.emit('other', msg); return; } // records a page module keeps itself (join requests…)
    const m = this.maps[key];
    const old = m.get(msg.id);
    if (!msg.record) { if (old) { m.delete(msg.id); this.emit('change', { entity: msg.entity, id: msg.id, record: null, old }); } return; }
    if (old && old.version > msg.record.version) return;
    m.set(msg.id, msg.record);
    this.emit('change', { entity: msg.entity, id: msg.id, record: msg.record, old, action: msg.action });
  }

  onMessage(msg) {
    if (msg.seq > this.seq + 1) { this.apply(msg); this.resync(); return; }
    this.apply(msg);
    if (msg.seq > this.seq) this.seq = msg.seq;
    this.emit('seq', this.seq);
  }

  // One socket message carries the changes committed together, in seq order: applied one by one,
  // so a gap (before or inside the batch) still triggers a resync from the journal.
  onBatch(batch) {
    const list = batch && Array.isArray(batch.changes) ? batch.changes : [];
    for (const msg of list) this.onMessage(msg);
  }

  resync() {
    if (this.syncing) return this.syncing;
    const since = this.seq;
    this.syncing = new Promise((resolve) => {
      const done = () => { this.syncing = null; resolve(); };
      if (!this.socket || !this.socket.connected) { done(); return; }
      this.socket.timeout(8000).emit('sync', { workshop: this.workshop, since }, async (err, res) => {
        try {
          if (err || !res || res.error) { if (!err && res && res.error) this.emit('error', res.error); }
          else if (res.reset) { await this.load(); }
          else {
            for (const ev of res.events) this.apply(ev);
            if (res.last_seq > this.seq) this.seq = res.last_seq;
            if (res.stats) { this.stats = res.stats; this.emit('stats', res.stats); }
            this.emit('seq', this.seq);
          }
        } catch (e) { this.emit('error', e.message); }
        done();
      });
    });
    return this.syncing;
  }

  connect() {
    if (this.socket) return this.socket; // one socket per screen, whichever module asks first
    const socket = openSocket(this.workshop);
    this.socket = socket;
    const indicator = document.getElementById('conn');
    const show = (state) => {
      if (!indicator) return;
      indicator.hidden = false; indicator.dataset.state = state; indicator.textContent = t(`conn.${state}`);
      this.emit('conn', state);
    };
    socket.on('connect', () => { show('online'); this.resync(); this.emit('connected', null); });
    socket.on('disconnect', () => show(navigator.onLine ? 'reconnecting' : 'offline'));
    socket.on('connect_error', (e) => { show(navigator.onLine ? 'reconnecting' : 'offline'); if (e && e.message && !/xhr|websocket|timeout/i.test(e.message)) this.emit('refused', e.message); });
    socket.io.on('reconnect_attempt', () => show(navigator.onLine ? 'reconnecting' : 'offline'));
    socket.on('changes', (batch) => this.onBatch(batch));
    socket.on('stats', (msg) => { this.stats = msg.stats; this.emit('stats', msg.stats); });
    socket.on('hello', (msg) => { if (msg.seq > this.seq) this.resync(); });
    socket.on('beat', (msg) => { if (msg.seq > this.seq) this.resync(); }); // hosted: a broadcast lost on the way
    socket.on('storage_error', (msg) => this.emit('storage_error', msg.message));
    window.addEventListener('online', () => { if (!socket.connected) socket.connect(); });
    window.addEventListener('offline', () => show('offline'));
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') { if (!socket.connected) socket.connect(); else this.resync(); }
    });
    show(navigator.onLine ? 'reconnecting' : 'offline');
    return socket;
  }

  list(key) { return Array.from(this.maps[key].values()); }
}
