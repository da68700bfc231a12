// The server's request schemas, applied in the browser: the page gets them as data
// (app/rules/validation.py `to_json`, embedded in the boot JSON) and refuses here
// exactly what the server would refuse there (same order of checks as `_check`).
// `validate(schema, data)` -> { clean, errors }, errors: field -> [key, params].

const cache = new Map();
function re(schema, name) {
  const src = schema.patterns[name];
  if (!cache.has(src)) cache.set(src, new RegExp(src));
  return cache.get(src);
}
// Python's `str.strip()` also strips these; JavaScript's trim() does too (both Unicode whitespace).
const strip = (s) => s.trim();

function parseNumber(v) {
  const s = v.replace(',', '.').replaceAll('\u00a0', '').replaceAll(' ', '');
  // float() accepts "1e3", " 12 ", "+3", "inf", "nan"; refuse what JavaScript's Number would add ("0x1f", "").
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(s) && !/^[+-]?(inf|infinity|nan)$/i.test(s)) return null;
  return Number(s.replace(/^([+-]?)inf(inity)?$/i, '$1Infinity').replace(/^[+-]?nan$/i, 'NaN'));
}

export function checkField(schema, f, v) {
  if (v === null || v === undefined || (typeof v === 'string' && strip(v) === '' && f.type !== 'boolean')) {
    if (f.required || !f.nullable) return [null, ['err.required', {}]];
    return [null, null];
  }
  const t = f.type;
  if (['string', 'text', 'email', 'phone'].includes(t)) {
    if (typeof v !== 'string') return [null, ['err.type_text', {}]];
    v = t !== 'text' ? strip(v) : strip(v.replaceAll('\r\n', '\n'));
    if (re(schema, 'control').test(v)) return [null, ['err.control', {}]];
    const len = [...v].length; // code points, as Python counts
    if (f.max_len && len > f.max_len) return [null, ['err.too_long', { max: f.max_len }]];
    if (f.min_len && len < f.min_len) return [null, ['err.too_short', { min: f.min_len }]];
    if (t === 'email' && !re(schema, 'email').test(v)) return [null, ['err.email', {}]];
    if (t === 'phone' && !re(schema, 'phone').test(v)) return [null, ['err.phone', {}]];
    return [v, null];
  }
  if (t === 'uuid') return typeof v === 'string' && re(schema, 'uuid').test(v) ? [v.toLowerCase(), null] : [null, ['err.uuid', {}]];
  if (t === 'uuid_list') {
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'string' && re(schema, 'uuid').test(x))) return [null, ['err.uuid', {}]];
    if (f.max_items && v.length > f.max_items) return [null, ['err.too_many', { max: f.max_items }]];
    return [[...new Set(v.map((x) => x.toLowerCase()))], null];
  }
  if (t === 'enum') return typeof v === 'string' && f.enum.includes(v) ? [v, null] : [null, ['err.choice', {}]];
  if (t === 'boolean') {
    if (typeof v === 'boolean') return [v, null];
    if (['on', 'true', '1', 1, 0, '0', 'false'].includes(v)) return [['on', 'true', '1', 1].includes(v), null];
    return [null, ['err.boolean', {}]];
  }
  if (t === 'integer' || t === 'number') {
    if (typeof v === 'boolean') return [null, ['err.number', {}]];
    if (typeof v === 'string') { v = parseNumber(v); if (v === null) return [null, ['err.number', {}]]; }
    if (typeof v !== 'number' || !Number.isFinite(v)) return [null, ['err.number', {}]];
    if (t === 'integer') {
      if (!Number.isInteger(v)) return [null, ['err.integer', {}]];
      if (Math.abs(v) > schema.max_int) return [null, v > 0 ? ['err.max', { max: schema.max_int }] : ['err.min', { min: -schema.max_int }]];
    }
    if (f.minimum !== undefined && v < f.minimum) return [null, ['err.min', { min: f.minimum }]];
    if (f.maximum !== undefined && v > f.maximum) return [null, ['err.max', { max: f.maximum }]];
    return [v, null];
  }
  if (t === 'date') {
    if (typeof v !== 'string' || v.length > 10) return [null, ['err.date', {}]];
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
    const d = m && new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
    if (!m || +m[1] < 1 || d.getUTCFullYear() !== +m[1] || d.getUTCMonth() !== +m[2] - 1 || d.getUTCDate() !== +m[3]) return [null, ['err.date', {}]];
    return [v, null];
  }
  if (t === 'interest') {
    if (!v || typeof v !== 'object' || Array.isArray(v) || Object.keys(v).length > 40) return [null, ['err.interest', {}]];
    for (const [k, n] of Object.entries(v)) if (!re(schema, 'uuid').test(k) || ![1, 2, 3].includes(n)) return [null, ['err.interest', {}]];
    return [v, null];
  }
  return [null, ['err.invalid', {}]];
}

/** Check `data` against `schema` as the server does: unknown fields refused, required ones present. */
export function validate(schema, data) {
  const errors = {}; const clean = {};
  for (const k of Object.keys(data)) if (!(k in schema.fields)) errors[k.slice(0, 60)] = ['err.unknown_field', {}];
  for (const [name, f] of Object.entries(schema.fields)) {
    if (!(name in data)) { if (f.required) errors[name] = ['err.required', {}]; continue; }
    const [v, err] = checkField(schema, f, data[name]);
    if (err) errors[name] = err; else clean[name] = v;
  }
  return { clean, errors };
}

/** Errors as the API sends them: field -> message in the user's language. */
export function messages(errors, t) {
  const out = {};
  for (const [k, [key, params]] of Object.entries(errors)) {
    const p = {};
    for (const [n, v] of Object.entries(params || {})) p[n] = typeof v === 'number' ? v.toLocaleString(document.documentElement.lang || 'fr') : v;
    out[k] = t(key, p);
  }
  return out;
}
