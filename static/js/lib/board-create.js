// Side panel of the board: create an idea from an offer and a need (two taps
// and a confirm), or a pooling idea naming several organisations. Sheets can
// be hidden or restored from here (moderation).
import { ApiError, call, uuid } from './api.js';
import { $, $$, el, lbl, showErrors, t, toast } from './dom.js';

const CAP = 120;
const fold = (s) => (s || '').toLocaleLowerCase('fr').normalize('NFD').replace(/[\u0300-\u036f]/g, '');

export function initCreate(ctx) {
  const panel = $('#create-panel');
  const openBtn = $('#open-create');
  let offerId = null; let needId = null;
  let timer = 0;

  function setOpen(on) {
    panel.hidden = !on;
    openBtn.setAttribute('aria-expanded', String(on));
    document.body.classList.toggle('panel-open', on);
    if (on) { render(); $('#sheet-q').focus(); } else openBtn.focus();
  }
  openBtn.addEventListener('click', () => setOpen(panel.hidden));
  $('#close-create').addEventListener('click', () => setOpen(false));
  panel.addEventListener('keydown', (ev) => { if (ev.key === 'Escape') { ev.preventDefault(); setOpen(false); } });

  for (const tab of $$('[role="tab"]', panel)) {
    tab.addEventListener('click', () => {
      for (const other of $$('[role="tab"]', panel)) {
        const on = other === tab;
        other.setAttribute('aria-selected', String(on));
        document.getElementById(other.getAttribute('aria-controls')).hidden = !on;
      }
      render();
    });
  }

  function sheetMine(s) {
    const table = ctx.boot.me && ctx.boot.me.table;
    if (table === null || table === undefined) return true;
    const org = ctx.live.maps.organisations.get(s.organisation_id);
    return s.table_no === table || (org && org.table_no === table);
  }

  function sheetItem(s, selected) {
    const org = ctx.orgName(s.organisation_id);
    const label = `${s.title} — ${org}`;
    return el('li', { class: `sheet-item ${s.kind}${s.hidden ? ' is-hidden' : ''}${selected ? ' selected' : ''}`, dataset: { id: s.id } },
      el('button', { class: 'pick', type: 'button', 'aria-pressed': String(selected), disabled: !!s.hidden || s.state === 'withdrawn',
        dataset: { pick: s.kind }, 'aria-label': `${t(s.kind === 'offer' ? 'js.board_pick_offer' : 'js.board_pick_need')} ${label}` },
      el('span', { class: 'name', text: s.title }),
      el('span', { class: 'muted', text: [org, lbl('cat', s.category), s.quantity ? `${String(s.quantity).replace('.', ',')} ${lbl('unit', s.unit) || s.unit_label || ''}` : null,
        s.paper_no ? `#${s.paper_no}` : null, s.state === 'withdrawn' ? lbl('state', 'withdrawn') : null].filter(Boolean).join(' · ') })),
      el('button', { class: 'btn sm', type: 'button', dataset: { hide: s.hidden ? '0' : '1' },
        'aria-label': `${s.hidden ? t('js.board_restore') : t('js.board_hide')} — ${label}`, text: s.hidden ? t('js.board_restore') : t('js.board_hide') }));
  }

  function renderPair() {
    const q = fold($('#sheet-q').value.trim());
    const mine = $('#sheet-mine').checked;
    const all = ctx.live.list('sheets').filter((s) => (!mine || sheetMine(s))
      && (!q || fold(`${s.title} ${ctx.orgName(s.organisation_id)} ${lbl('cat', s.category)} ${s.paper_no || ''}`).includes(q)));
    const offer = ctx.sheet(offerId); const need = ctx.sheet(needId);
    // Put the most likely matches first: same category as the other pick, other organisation.
    const rank = (s, other) => (other && s.category === other.category ? 0 : 1) + (other && s.organisation_id === other.organisation_id ? 2 : 0);
    const by = (other) => (a, b) => rank(a, other) - rank(b, other) || (b.created_at || '').localeCompare(a.created_at || '');
    const offers = all.filter((s) => s.kind === 'offer').sort(by(need));
    const needs = all.filter((s) => s.kind === 'need').sort(by(offer));
    $('#offer-list').replaceChildren(...offers.slice(0, CAP).map((s) => sheetItem(s, s.id === offerId)),
      ...(offers.length > CAP ? [el('li', { class: 'muted', text: t('js.board_refine', { n: offers.length - CAP }) })] : []));
    $('#need-list').replaceChildren(...needs.slice(0, CAP).map((s) => sheetItem(s, s.id === needId)),
      ...(needs.length > CAP ? [el('li', { class: 'muted', text: t('js.board_refine', { n: needs.length - CAP }) })] : []));
    const btn = $('#pair-create');
    const same = offer && need && offer.organisation_id === need.organisation_id;
    btn.disabled = !offer || !need || same;
    $('#pair-summary').textContent = same ? t('err.same_org')
      : offer && need ? t('js.board_pair', { offer: offer.title, from: ctx.orgName(offer.organisation_id), need: need.title, to: ctx.orgName(need.organisation_id) })
        : offer ? t('js.board_pick_need_now', { offer: offer.title }) : need ? t('js.board_pick_offer_now', { need: need.title }) : t('js.board_pick_pair');
  }

  let poolChecked = new Set();
  function renderPool() {
    const q = fold($('#pool-org-q').value.trim());
    const orgs = ctx.live.list('organisations').filter((o) => !o.hidden && (!q || fold(o.name).includes(q) || poolChecked.has(o.id)))
      .sort((a, b) => (poolChecked.has(b.id) - poolChecked.has(a.id)) || a.name.localeCompare(b.name, 'fr')).slice(0, CAP);
    $('#pool-orgs').replaceChildren(...orgs.map((o) => el('div', { class: 'check' },
      el('input', { type: 'checkbox', id: `pool-${o.id}`, value: o.id, checked: poolChecked.has(o.id) }),
      el('label', { for: `pool-${o.id}`, text: o.table_no !== null && o.table_no !== undefined ? `${o.name} (${t('js.table')} ${o.table_no})` : o.name }))));
  }

  function render() {
    if (panel.hidden) return;
    if (!$('#pane-pair').hidden) renderPair(); else renderPool();
  }
  const schedule = () => { clearTimeout(timer); timer = setTimeout(render, 120); };
  $('#sheet-q').addEventListener('input', schedule);
  $('#sheet-mine').addEventListener('change', render);
  $('#pool-org-q').addEventListener('input', schedule);
  $('#pool-orgs').addEventListener('change', (ev) => { if (ev.target.checked) poolChecked.add(ev.target.value); else poolChecked.delete(ev.target.value); });
  ctx.live.on((kind, d) => { if (kind === 'reset' || (kind === 'change' && (d.entity === 'sheet' || d.entity === 'organisation'))) schedule(); });

  panel.addEventListener('click', async (ev) => {
    const pick = ev.target.closest('button[data-pick]');
    if (pick) {
      const id = pick.closest('li').dataset.id;
      if (pick.dataset.pick === 'offer') offerId = offerId === id ? null : id; else needId = needId === id ? null : id;
      renderPair();
      const again = panel.querySelector(`li[data-id="${CSS.escape(id)}"] button[data-pick]`);
      if (again) again.focus();
      return;
    }
    const hide = ev.target.closest('button[data-hide]');
    if (hide) {
      const s = ctx.sheet(hide.closest('li').dataset.id);
      if (!s) return;
      try {
        const res = await call('POST', ctx.url(`/sheets/${s.id}/hide`), { version: s.version, hidden: hide.dataset.hide === '1', request_id: uuid() });
        ctx.live.apply({ entity: 'sheet', id: s.id, record: res.record });
        if (res.record.hidden && (offerId === s.id || needId === s.id)) { if (offerId === s.id) offerId = null; else needId = null; }
        renderPair();
      } catch (err) {
        if (err instanceof ApiError && err.body.current) ctx.live.apply({ entity: 'sheet', id: s.id, record: err.body.current });
        toast(err instanceof ApiError ? err.message : t('js.board_offline_refused'), 'error');
        renderPair();
      }
    }
  });

  async function createIdea(body, onDone) {
    if (!ctx.online()) { toast(t('js.board_offline_refused'), 'error'); return; }
    try {
      const res = await call('POST', ctx.url('/ideas'), { id: uuid(), ...body });
      ctx.applyRecord(res.record); ctx.place(res.record.id);
      toast(t('js.board_idea_created', { title: res.record.title }));
      onDone(null);
    } catch (err) {
      onDone(err instanceof ApiError ? err.body : { error: t('js.board_offline_refused') });
    }
  }

  $('#pair-create').addEventListener('click', () => {
    if (!offerId || !needId) return;
    createIdea({ offer_sheet_id: offerId, need_sheet_id: needId }, (err) => {
      if (err) { toast(err.error + (err.fields ? ` ${Object.values(err.fields).join(' ')}` : ''), 'error'); return; }
      offerId = null; needId = null; renderPair(); $('#sheet-q').focus();
    });
  });

  $('#pool-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const form = ev.currentTarget;
    const title = form.elements.title.value.trim();
    const orgs = Array.from(poolChecked);
    const fields = {};
    if (title.length < 2) fields.title = t('err.required');
    if (orgs.length < 2) fields.org_ids = t('err.two_orgs');
    if (Object.keys(fields).length) { showErrors(form, { error: t('err.invalid'), fields }); return; }
    const description = form.elements.description.value.trim();
    createIdea({ kind: 'pooling', title, category: form.elements.category.value, org_ids: orgs, ...(description ? { description } : {}) }, (err) => {
      showErrors(form, err);
      if (err) return;
      form.reset(); poolChecked = new Set(); renderPool(); form.elements.title.focus();
    });
  });
}
