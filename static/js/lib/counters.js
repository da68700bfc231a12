// Counters shared by the organiser page and the projector wall.
import { $$, el, lbl } from './dom.js';

function bar(pct) {
  const span = el('span', { class: 'bar' });
  span.style.width = `${pct}%`; // CSSOM, allowed by our CSP (style attributes are not)
  return span;
}

export function renderStats(stats) {
  if (!stats) return;
  for (const dd of $$('[data-stat]')) dd.textContent = String(stats[dd.dataset.stat] ?? 0);
  for (const dd of $$('[data-status]')) dd.textContent = String((stats.by_status || {})[dd.dataset.status] ?? 0);
  const box = document.getElementById('by-category');
  if (box) {
    const rows = Object.entries(stats.by_category || {}).sort((a, b) => (b[1].sheets + b[1].ideas) - (a[1].sheets + a[1].ideas));
    const max = Math.max(1, ...rows.map(([, v]) => v.sheets + v.ideas));
    box.replaceChildren(...rows.slice(0, 10).map(([cat, v]) => el('li', {},
      el('span', { class: 'bar-label', text: lbl('cat', cat) }),
      bar(Math.round(100 * (v.sheets + v.ideas) / max)),
      el('span', { class: 'bar-value', text: `${v.sheets} / ${v.ideas}` }))));
  }
}
