// JSON API calls and client-generated ids.

export function uuid() {
  // crypto.randomUUID needs a secure context; phones reach us over plain http on the LAN.
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.error) || `HTTP ${status}`);
    this.status = status; this.body = body || {};
  }
}

export async function call(method, url, body) {
  const opts = { method, headers: { Accept: 'application/json' }, credentials: 'same-origin' };
  if (body !== undefined) { opts.headers['Content-Type'] = 'application/json'; opts.body = JSON.stringify(body); }
  const res = await fetch(url, opts);
  let data = null;
  try { data = await res.json(); } catch { data = null; }
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
}

export const api = (wid) => (path) => `/api/w/${encodeURIComponent(wid)}${path}`;

// Loads of one view can overlap (a filter changed twice, a reconnect), and answers can come back out of
// order: only the last one asked may be shown. `const current = latest.ask(); … if (!current()) return;`
export class Latest {
  constructor() { this.asked = 0; }

  ask() { const mine = ++this.asked; return () => mine === this.asked; }
}
