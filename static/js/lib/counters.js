// Counters shared by the organiser page and the projector wall, numbers in the page's language.
import { $$ } from './dom.js';

let numberFormat = null;
export function formatNumber(n) {
  if (!numberFormat) numberFormat = new Intl.NumberFormat(document.documentElement.lang || 'fr');
  return numberFormat.format(n || 0);
}

let pluralRules = null;
/** CLDR plural category of ``n`` in the page's language ('one' / 'other'), as Babel gives it server-side. */
export function pluralCategory(n) {
  if (!pluralRules) pluralRules = new Intl.PluralRules(document.documentElement.lang || 'fr');
  return pluralRules.select(n || 0) === 'one' ? 'one' : 'other';
}

export function renderStats(stats) {
  if (!stats) return;
  for (const dd of $$('[data-stat]')) dd.textContent = formatNumber(stats[dd.dataset.stat] ?? 0);
  for (const dd of $$('[data-status]')) dd.textContent = formatNumber((stats.by_status || {})[dd.dataset.status] ?? 0);
}
