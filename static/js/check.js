// "Testez votre connexion": does this phone reach the laptop, how fast, and does the live link work?
// Ten timed round trips to the server, then a websocket opened and closed; the result goes to the
// organiser's count. Nothing here needs the phone to have joined an organisation.
import { call, uuid } from './lib/api.js';
import { $, bootData, setCatalogue, t } from './lib/dom.js';

const boot = bootData();
setCatalogue(boot.i18n);
const PINGS = 10;
const TIMEOUT_MS = 3000;
const SLOW_MS = 300;

function phoneId() {
  const key = 'wifi-check-phone';
  try {
    let id = localStorage.getItem(key);
    if (!id) { id = uuid(); localStorage.setItem(key, id); }
    return id;
  } catch { return uuid(); }
}

async function once(n) {
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), TIMEOUT_MS);
  const start = performance.now();
  try {
    const r = await fetch(`/w/${boot.code}/check/ping?n=${n}&r=${Math.random()}`, { cache: 'no-store', signal: ctrl.signal });
    return r.status === 204 ? performance.now() - start : null;
  } catch { return null; } finally { clearTimeout(timer); }
}

function websocketWorks() {
  return new Promise((resolve) => {
    let done = false;
    const finish = (ok) => { if (!done) { done = true; try { ws.close(); } catch { /* closed */ } resolve(ok); } };
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(`${proto}//${location.host}/socket.io/?EIO=4&transport=websocket`);
    ws.onmessage = (e) => finish(typeof e.data === 'string' && e.data.startsWith('0'));  // engine.io "open"
    ws.onerror = () => finish(false);
    setTimeout(() => finish(false), 5000);
  });
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };

async function run() {
  const state = $('#check-state');
  state.dataset.state = 'running'; state.textContent = t('net.checking');
  $('#check-again').hidden = true; $('#check-advice').hidden = true;
  const rtts = []; let lost = 0;
  for (let i = 0; i < PINGS; i += 1) {
    const ms = await once(i);
    if (ms === null) lost += 1; else rtts.push(ms);
  }
  if (!rtts.length) {
    state.dataset.state = 'failed'; state.textContent = t('net.unreachable');
    $('#check-advice').hidden = false; $('#check-advice').textContent = t('net.advice_unreachable');
    $('#check-again').hidden = false;
    return;
  }
  const ws = await websocketWorks();
  const med = Math.round(median(rtts)); const worst = Math.round(Math.max(...rtts));
  const slow = med > SLOW_MS || lost > 0 || !ws;
  $('#check-figures').hidden = false;
  $('#check-rtt').textContent = `${med} ms`;
  $('#check-lost').textContent = `${lost} / ${PINGS}`;
  $('#check-ws').textContent = ws ? t('net.ws_ok') : t('net.ws_no');
  state.dataset.state = slow ? 'slow' : 'ok';
  state.textContent = slow ? t('net.slow') : t('net.ok');
  if (slow) { $('#check-advice').hidden = false; $('#check-advice').textContent = t(ws ? 'net.advice_slow' : 'net.advice_ws'); }
  $('#check-again').hidden = false;
  try {
    await call('POST', `/api/w/${boot.workshop}/wifi-check`, { phone: phoneId(), median_ms: med, worst_ms: worst, lost, websocket: ws });
  } catch { /* the result is on this screen anyway */ }
}

$('#check-again').addEventListener('click', run);
run();
