// Before a new organisation is created, propose the existing close matches.
// The matching itself is the server's (app/rules/names.py, one implementation for
// paper entry, phones and imports): this module asks it and draws the choices.
import { call } from './api.js';
import { el, t } from './dom.js';

/**
 * Watch a name input; under it, `box` lists the close matches as buttons.
 * `onPick(match)` is called when one is chosen. Returns { matches(), check(), confirmNew() }.
 */
export function orgSuggest(input, box, { url, onPick, pickLabel, onChange } = {}) {
  let current = [];
  let asked = '';
  let confirmed = '';
  let timer = 0;
  let seq = 0;

  function draw() {
    box.hidden = !current.length;
    if (!current.length) { box.replaceChildren(); return; }
    box.replaceChildren(
      el('p', { class: 'suggest-lead', id: `${box.id}-lead`, text: t('js.suggest_lead') }),
      el('ul', { class: 'suggest-list', 'aria-labelledby': `${box.id}-lead` }, ...current.map((m) => el('li', {},
        el('button', { class: 'btn choice suggest-pick', type: 'button', dataset: { id: m.id },
          onclick: () => onPick(m) },
        el('span', { class: 'name', text: m.name }),
        el('span', { class: 'muted', text: [m.commune, pickLabel || t('js.suggest_use')].filter(Boolean).join(' · ') }))))),
      el('button', { class: 'btn suggest-new', type: 'button', onclick: () => { confirmed = input.value.trim(); current = []; draw(); if (onChange) onChange([]); },
        text: t('js.suggest_create', { name: input.value.trim() }) }));
  }

  async function ask() {
    const name = input.value.trim();
    if (name === asked) return current;
    asked = name;
    const mine = ++seq;
    let found = [];
    if (name.length >= 3 && name !== confirmed) {
      try { found = (await call('GET', `${url}?name=${encodeURIComponent(name)}`)).matches || []; } catch {
        // Offline or busy: nothing proposed now (creating still works), asked again shortly.
        found = []; asked = '';
        clearTimeout(timer); timer = setTimeout(ask, 1500);
      }
    }
    if (mine !== seq) return current; // a newer keystroke answered first
    current = found;
    draw();
    if (onChange) onChange(current);
    return current;
  }

  input.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(ask, 200); });
  return {
    matches: () => current,
    /** Resolve with the matches for the current text (asks now if needed). */
    check: () => { clearTimeout(timer); return ask(); },
    /** True once the user said "no, create a new one" for this exact text. */
    confirmedNew: () => confirmed === input.value.trim(),
    reset: () => { current = []; asked = ''; confirmed = ''; draw(); },
  };
}
