// The board's dialogs: the abandonment reason, and an idea's details
// (edit, interest of each party, follow-up, moderation, merge, history).
import { ApiError, call, uuid } from './api.js';
import { $, el, formatDate, lbl, showErrors, t, toast } from './dom.js';

// ---------- reason ----------
export function askReason(rec) {
  const dlg = $('#reason-dialog');
  const form = $('#reason-form');
  form.reset();
  $('#reason-idea').textContent = rec.title;
  return new Promise((resolve) => {
    const done = () => {
      dlg.removeEventListener('close', done);
      const picked = form.elements.reason.value;
      resolve(dlg.returnValue === 'ok' && picked ? picked : null);
    };
    dlg.addEventListener('close', done);
    dlg.returnValue = '';
    dlg.showModal();
    form.querySelector('input[name="reason"]').focus();
  });
}

// ---------- details ----------
const FIELDS = ['title', 'description', 'facilitator_id', 'due_date', 'next_step', 'notes'];
const LABELLED = { status: 'status', abandon_reason: 'reason', category: 'cat', kind: 'idea_kind', origin: 'origin' };

export function initDetails(ctx) {
  const dlg = $('#details-dialog');
  const form = $('#details-form');
  let current = null; // the record the form was filled from (its version is sent on save)

  function fieldLabel(k) {
    const key = `js.board_field_${k}`;
    const s = t(key);
    return s === key ? t('js.board_field_other') : s; // never a raw key such as "meeting_slot"
  }
  function actionLabel(a) {
    const key = `js.board_action_${a}`;
    const s = t(key);
    return s === key ? t('js.board_action_other') : s;
  }

  function valueText(k, v) {
    if (v === null || v === undefined || v === '') return '—';
    if (LABELLED[k]) return lbl(LABELLED[k], v);
    if (k === 'b2b' || k === 'hidden') return v ? t('js.board_yes') : t('js.board_no');
    if (k === 'org_ids') return (v || []).map(ctx.orgName).join(', ');
    if (k === 'facilitator_id') { const f = ctx.live.maps.facilitators.get(v); return f ? f.name : '?'; }
    if (k === 'interest') return Object.entries(v || {}).map(([o, n]) => `${ctx.orgName(o)} ${n}/3`).join(', ') || '—';
    if (k === 'merged_into') { const i = ctx.live.maps.ideas.get(v); return i ? i.title : '?'; }
    if (k.endsWith('_sheet_id')) { const s = ctx.sheet(v); return s ? s.title : '?'; }
    const s = String(v);
    return s.length > 80 ? `${s.slice(0, 80)}…` : s;
  }

  function fill(rec) {
    current = rec;
    $('#details-h').textContent = rec.title;
    $('#details-meta').textContent = [lbl('status', rec.status), lbl('cat', rec.category), ctx.orgName((rec.org_ids || [])[0]) && (rec.org_ids || []).map(ctx.orgName).join(rec.kind === 'exchange' ? ' → ' : ' · '),
      rec.author_label, formatDate(rec.created_at, ctx.boot.lang)].filter(Boolean).join(' · ');
    const facs = ctx.live.list('facilitators').filter((f) => !f.revoked || f.id === rec.facilitator_id)
      .sort((a, b) => (a.table_no || 0) - (b.table_no || 0) || a.name.localeCompare(b.name));
    $('#d-facilitator').replaceChildren(el('option', { value: '', text: '—' }),
      ...facs.map((f) => el('option', { value: f.id, text: `${f.name}${f.table_no !== null && f.table_no !== undefined ? ` (${t('js.table')} ${f.table_no})` : ''}` })));
    for (const k of FIELDS) form.elements[k].value = rec[k] ?? '';
    const box = $('#d-interest');
    for (const n of box.querySelectorAll('.field')) n.remove();
    for (const oid of rec.org_ids || []) {
      const sid = `d-int-${oid}`;
      box.append(el('div', { class: 'field inline' }, el('label', { for: sid, text: ctx.orgName(oid) }),
        el('select', { id: sid, dataset: { org: oid } }, el('option', { value: '', text: '—' }),
          ...[1, 2, 3].map((n) => el('option', { value: String(n), text: t(`js.board_interest_${n}`), selected: (rec.interest || {})[oid] === n })))));
    }
    const editable = !rec.hidden && !rec.merged_into;
    for (const n of form.elements) n.disabled = !editable;
    $('#d-hide').textContent = rec.hidden ? t('js.board_restore') : t('js.board_hide');
    $('#d-hide').disabled = !!rec.merged_into;
    $('#merge-q').disabled = !editable;
    showErrors(form, null);
    renderMerge();
  }

  function renderMerge() {
    const list = $('#merge-list');
    const q = $('#merge-q').value.trim().toLocaleLowerCase('fr');
    if (!current || !q) { list.replaceChildren(); return; }
    const mine = new Set(current.org_ids || []);
    const cands = ctx.live.list('ideas').filter((i) => i.id !== current.id && !i.merged_into && !i.hidden
      && (i.title.toLocaleLowerCase('fr').includes(q) || (i.org_ids || []).some((o) => ctx.orgName(o).toLocaleLowerCase('fr').includes(q))))
      .sort((a, b) => (b.org_ids || []).filter((o) => mine.has(o)).length - (a.org_ids || []).filter((o) => mine.has(o)).length)
      .slice(0, 20);
    list.replaceChildren(...cands.map((i) => el('li', {}, el('button', { class: 'choice', type: 'button', dataset: { into: i.id },
      'aria-label': `${t('js.board_merge_btn')} — ${i.title}` },
    el('span', { class: 'name', text: i.title }), el('span', { class: 'muted', text: `${lbl('status', i.status)} · ${(i.org_ids || []).map(ctx.orgName).join(', ')}` })))));
    if (!cands.length) list.replaceChildren(el('li', { class: 'muted', text: t('js.board_no_match') }));
  }

  async function loadHistory(id) {
    const ol = $('#history');
    ol.setAttribute('aria-busy', 'true');
    try {
      const res = await call('GET', ctx.url(`/ideas/${id}/history`));
      if (!current || current.id !== id) return;
      ol.replaceChildren(...res.history.slice().reverse().map((h) => el('li', { class: h.merged ? 'merged' : '' },
        el('p', { class: 'h-head' }, el('strong', { text: actionLabel(h.action) }), ' · ',
          el('span', { text: `${h.who || '—'} · ${formatDate(h.at, ctx.boot.lang)}` }),
          h.merged ? el('span', { class: 'muted', text: ` · ${t('js.board_from_merged', { title: h.title || '' })}` }) : null),
        el('ul', { class: 'h-changes' }, ...Object.entries(h.changes || {}).filter(([k]) => k !== 'merged_into' || h.action === 'merge').map(([k, [a, b]]) =>
          el('li', { text: `${fieldLabel(k)} : ${valueText(k, a)} → ${valueText(k, b)}` }))))));
      if (!res.history.length) ol.replaceChildren(el('li', { class: 'muted', text: '—' }));
    } catch (err) {
      ol.replaceChildren(el('li', { class: 'error', text: err instanceof ApiError ? err.message : t('js.board_offline_load') }));
    } finally { ol.setAttribute('aria-busy', 'false'); }
  }

  let opener = null;
  function open(id) {
    const rec = ctx.view(id);
    if (!rec) return;
    opener = document.activeElement;
    $('#details-notice').hidden = true;
    $('#merge-q').value = '';
    fill(rec);
    $('#history').replaceChildren();
    if (!dlg.open) dlg.showModal();
    (rec.hidden ? $('#d-hide') : form.elements.description).focus();
    loadHistory(id);
  }

  function showNotice(text) { const n = $('#details-notice'); n.textContent = text; n.hidden = false; }

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!current) return;
    const body = { version: current.version, request_id: uuid() };
    for (const k of FIELDS) {
      const v = form.elements[k].value.trim();
      const was = current[k] ?? '';
      if (v !== String(was)) body[k] = v === '' ? null : v;
    }
    if (body.title === null) delete body.title;
    const interest = {};
    for (const s of $('#d-interest').querySelectorAll('select')) if (s.value) interest[s.dataset.org] = Number(s.value);
    const before = current.interest || {};
    if (JSON.stringify(Object.entries(interest).sort()) !== JSON.stringify(Object.entries(before).sort())) body.interest = interest;
    if (Object.keys(body).length === 2) { toast(t('js.board_nothing_changed')); return; }
    if (!ctx.online()) { showNotice(t('js.board_offline_refused')); return; }
    try {
      const res = await call('PATCH', ctx.url(`/ideas/${current.id}`), body);
      ctx.applyRecord(res.record); ctx.place(res.record.id);
      fill(res.record);
      toast(t('js.board_saved'));
      loadHistory(res.record.id);
    } catch (err) {
      if (err instanceof ApiError && err.status === 409 && err.body.current) {
        ctx.applyRecord(err.body.current); ctx.place(err.body.current.id);
        fill(err.body.current);
        showNotice(t('js.board_conflict_details'));
        loadHistory(err.body.current.id);
      } else {
        showErrors(form, err instanceof ApiError ? err.body : { error: t('js.board_offline_refused') });
      }
    }
  });

  $('#d-hide').addEventListener('click', async () => {
    if (!current) return;
    const rec = await ctx.setHidden(current.id, !current.hidden);
    if (rec) { fill(rec); loadHistory(rec.id); }
  });

  $('#merge-q').addEventListener('input', renderMerge);
  $('#merge-list').addEventListener('click', async (ev) => {
    const btn = ev.target.closest('button[data-into]');
    if (!btn || !current) return;
    const target = ctx.live.maps.ideas.get(btn.dataset.into);
    if (!target || !window.confirm(t('js.board_merge_confirm', { dup: current.title, into: target.title }))) return;
    if (!ctx.online()) { showNotice(t('js.board_offline_refused')); return; }
    try {
      const dupId = current.id;
      const res = await call('POST', ctx.url(`/ideas/${dupId}/merge`), { version: current.version, into_id: target.id, request_id: uuid() });
      ctx.applyRecord(res.record); ctx.place(res.record.id);
      const dup = ctx.live.maps.ideas.get(dupId);
      if (dup) { ctx.live.apply({ entity: 'idea', id: dupId, record: { ...dup, merged_into: target.id, version: dup.version + 1 } }); ctx.place(dupId); }
      toast(t('js.board_merged'));
      open(res.record.id);
    } catch (err) {
      if (err instanceof ApiError && err.status === 409 && err.body.current) { ctx.applyRecord(err.body.current); fill(err.body.current); }
      showNotice(err instanceof ApiError ? err.message : t('js.board_offline_refused'));
    }
  });

  $('#details-close').addEventListener('click', () => dlg.close());
  dlg.addEventListener('close', () => {
    const id = current && current.id;
    current = null;
    const card = id && ctx.cards.get(id);
    if (card) card.focus(); else if (opener && opener.isConnected) opener.focus();
  });

  return {
    open,
    changed(id) {
      if (!current || current.id !== id || !dlg.open) return;
      const rec = ctx.live.maps.ideas.get(id);
      if (rec && rec.version !== current.version) { showNotice(t('js.board_changed_meanwhile')); loadHistory(id); }
    },
  };
}
