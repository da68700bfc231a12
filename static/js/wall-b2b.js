// The wall's round view: the current round and its countdown on the SERVER's clock (offset
// measured at each load), what is on at every table, what comes next, and a full-screen cue
// when a round ends ("Changez de table !").
import { bootData, el, setCatalogue } from './lib/dom.js';
import { Meetings, clock } from './lib/meetings.js';

const boot = bootData();
setCatalogue(boot.i18n);
const mm = new Meetings(boot.workshop);
let T = {};
const t = (k, p) => { let s = T[k] || k; for (const [a, b] of Object.entries(p || {})) s = s.replaceAll(`{${a}}`, String(b)); return s; };
const $ = (id) => document.getElementById(id);
let lastPhase = null;
let lastSlot = null;
let cueUntil = 0;

function line(m) {
  const who = (m.org_ids || []).map((o) => mm.orgName(o)).join(' × ');
  return el('li', { dataset: { meeting: m.id } }, el('strong', { text: `${mm.placeName(m.place_id)} : ` }), who);
}

function inSlot(slot) {
  if (!slot) return [];
  return mm.planned().filter((m) => m.slot === slot.index)
    .sort((a, b) => mm.placeName(a.place_id).localeCompare(mm.placeName(b.place_id), undefined, { numeric: true }));
}

function fit(list) {
  // keep whole cards only; say how many more are not shown
  let hidden = 0;
  while (list.scrollHeight > list.clientHeight + 1 && list.children.length > 1) { list.lastElementChild.remove(); hidden += 1; }
  if (hidden) {
    list.lastElementChild.remove();
    list.append(el('li', { class: 'more', text: t('b2b.wall_more', { n: hidden + 1 }) }));
  }
}

function tick() {
  if (!mm.board) return;
  T = mm.board.i18n || {};
  const now = mm.now();
  const r = mm.round(now);
  const slots = mm.board.slots || [];
  const total = slots.length;
  const label = $('wb-label');
  const clk = $('wb-clock');
  const unplanned = !mm.planned().length;
  if (unplanned) {
    // nothing placed yet: say so, rather than a countdown to empty rounds or "over"
    $('wb-round').textContent = '';
    label.textContent = t('b2b.wall_unplanned_hint');
    clk.textContent = t('b2b.wall_unplanned');
  } else if (r.phase === 'in') {
    $('wb-round').textContent = t('b2b.wall_round', { n: r.current.index + 1, total, start: r.current.start, end: r.current.end });
    label.textContent = t('b2b.wall_ends_in');
    clk.textContent = clock(r.ends - now);
  } else if (r.phase === 'before' || r.phase === 'pause') {
    $('wb-round').textContent = t('b2b.wall_next_round', { n: r.next.index + 1, total, start: r.next.start });
    label.textContent = t(r.phase === 'before' ? 'b2b.wall_starts_in' : 'b2b.wall_pause');
    clk.textContent = clock(r.ends - now);
  } else {
    $('wb-round').textContent = '';
    label.textContent = '';
    clk.textContent = t('b2b.wall_over');
  }
  clk.dataset.phase = unplanned ? 'unplanned' : r.phase;
  const key = `${unplanned}:${r.phase}:${r.current ? r.current.index : ''}:${r.next ? r.next.index : ''}:${mm.board.seq}`;
  if (key !== tick.key) {
    tick.key = key;
    const showing = unplanned ? null : (r.phase === 'in' ? r.current : r.next);
    const now_ = $('wb-now');
    now_.replaceChildren(...inSlot(showing).map(line));
    if (showing && !now_.children.length) now_.append(el('li', { text: t('b2b.wall_none') }));
    fit(now_);
    const after = unplanned ? null : (r.phase === 'in' ? r.next : (r.next ? slots[r.next.index + 1] : null));
    const nextOnes = inSlot(after);
    $('wb-next').replaceChildren(...(after && nextOnes.length ? [el('strong', { text: `${t('b2b.wall_then', { time: after.start })} ` }),
      nextOnes.map((m) => `${mm.placeName(m.place_id)} : ${(m.org_ids || []).map((o) => mm.orgName(o)).join(' × ')}`).join(' — ')] : []));
  }
  // the cue: a round has just ended (seen live, not on a page opened in the pause)
  if (!unplanned && lastPhase === 'in' && r.phase !== 'in' && lastSlot !== null) cueUntil = now + 8000;
  lastPhase = r.phase;
  lastSlot = r.current ? r.current.index : lastSlot;
  const cue = $('wb-cue');
  const showCue = now < cueUntil;
  if (showCue) cue.textContent = r.phase === 'after' ? t('b2b.wall_cue_last') : t('b2b.wall_cue');
  cue.hidden = !showCue;
  $('wb').classList.toggle('cue', showCue);
}

mm.on(() => { tick.key = null; tick(); });
mm.connect();
mm.load().catch(() => {});
// re-measure the clock offset now and then: a projector's clock drifts
setInterval(() => mm.load().catch(() => {}), 60000);
setInterval(tick, 250);
window.addEventListener('resize', () => { tick.key = null; tick(); });
