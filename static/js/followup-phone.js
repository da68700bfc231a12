// A participant's phone after the event: the organisation's ideas in follow-up and its own outcome
// ("where are we?", € saved, a word), sent to the facilitator in charge through the API.
import { call } from './lib/api.js';
import { $, lbl, reconcile, showErrors, toast } from './lib/dom.js';

const box = $('#fu-phone');
const W = box.dataset.workshop;
const FIELDS = ['status', 'euros', 'comment'];

/** The amount as a JSON number; what is not a number is sent as typed, so the server says why. */
function amount(input) {
  const raw = input.value.trim();
  if (raw === '') return input.validity && input.validity.badInput ? '?' : null;
  const n = Number(raw);
  return Number.isFinite(n) ? n : raw;
}
const WORDS = JSON.parse(box.dataset.i18n || '{}');

function card(idea) {
  const node = $('#fu-phone-tpl').content.firstElementChild.cloneNode(true);
  node.dataset.id = idea.id;
  $('.fu-ph-title', node).textContent = idea.title;
  const st = $('.fu-ph-status', node);
  st.textContent = lbl('status', idea.status); st.classList.add(`s-${idea.status}`);
  $('.fu-ph-next', node).textContent = idea.next_step ? `${WORDS.next} : ${idea.next_step}` : '';
  const form = $('form', node);
  for (const name of FIELDS) {
    const input = form.elements[name];
    input.id = `fu-${name}-${idea.id}`;
    input.closest('.field').querySelector('label').htmlFor = input.id;
  }
  const mine = (idea.outcomes || [])[0];
  form.elements.status.value = mine ? mine.status : (['discussion', 'soon', 'done', 'standby', 'abandoned'].includes(idea.status) ? idea.status : 'discussion');
  if (mine && mine.euros !== null && mine.euros !== undefined) form.elements.euros.value = mine.euros;
  if (mine && mine.comment) form.elements.comment.value = mine.comment;
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const body = { status: form.elements.status.value, comment: form.elements.comment.value || null,
      euros: amount(form.elements.euros) };
    const btn = form.querySelector('button');
    btn.disabled = true;
    try {
      await call('POST', `/api/w/${W}/followup/ideas/${idea.id}/outcome`, body);
      showErrors(form, null);
      toast(WORDS.sent);
    } catch (err) { showErrors(form, err.body || { error: err.message }); toast(err.message, 'error'); }
    finally { btn.disabled = false; }
  });
  return node;
}

async function load() {
  try {
    const data = await call('GET', `/api/w/${W}/followup/mine`);
    reconcile($('#fu-phone-list'), data.ideas, (i) => i.id, card);
    $('#fu-phone-empty').hidden = data.ideas.length > 0;
  } catch { box.hidden = true; }
  box.dataset.ready = '1';
}
load();
