// Drag and drop of cards with pointer events: works with a mouse (anywhere on
// the card) and with touch or a pen (from the card's grip, which does not scroll).
// HTML5 drag and drop is not used: it does not work on touch screens.

const THRESHOLD = 6;

export function initDrag(board, { canDrag, onDrop, targetsFor }) {
  let drag = null;

  function columnAt(x, y) {
    const hit = document.elementFromPoint(x, y);
    return hit ? hit.closest('.column[data-status]') : null;
  }

  function mark(col) {
    if (drag.over === col) return;
    if (drag.over) drag.over.classList.remove('drop-ok', 'drop-no');
    drag.over = col;
    if (col && col.dataset.status !== drag.from) col.classList.add(drag.targets.includes(col.dataset.status) ? 'drop-ok' : 'drop-no');
  }

  function begin(ev) {
    const rect = drag.card.getBoundingClientRect();
    drag.dx = drag.x0 - rect.left; drag.dy = drag.y0 - rect.top;
    const ghost = drag.card.cloneNode(true);
    ghost.removeAttribute('id'); ghost.removeAttribute('tabindex');
    for (const n of ghost.querySelectorAll('[id]')) n.removeAttribute('id');
    ghost.classList.add('drag-ghost'); ghost.setAttribute('aria-hidden', 'true');
    ghost.style.width = `${rect.width}px`; // CSSOM: allowed by our CSP
    document.body.append(ghost);
    drag.ghost = ghost;
    drag.started = true;
    drag.targets = targetsFor(drag.id);
    drag.card.classList.add('dragging');
    document.body.classList.add('is-dragging');
    move(ev);
  }

  function move(ev) {
    drag.ghost.style.transform = `translate(${ev.clientX - drag.dx}px, ${ev.clientY - drag.dy}px)`;
    mark(columnAt(ev.clientX, ev.clientY));
  }

  function end(ev, cancelled) {
    const d = drag;
    drag = null;
    window.removeEventListener('pointermove', onMove, true);
    window.removeEventListener('pointerup', onUp, true);
    window.removeEventListener('pointercancel', onCancel, true);
    window.removeEventListener('keydown', onKey, true);
    if (!d || !d.started) return;
    board.dataset.dragEnd = String(Date.now()); // the click that ends a drag is not a tap
    if (d.over) d.over.classList.remove('drop-ok', 'drop-no');
    d.ghost.remove();
    d.card.classList.remove('dragging');
    document.body.classList.remove('is-dragging');
    if (cancelled) return;
    const col = ev ? columnAt(ev.clientX, ev.clientY) : null;
    if (col && col.dataset.status !== d.from) onDrop(d.id, col.dataset.status);
  }

  function onMove(ev) {
    if (!drag || ev.pointerId !== drag.pointerId) return;
    if (!drag.started) {
      if (Math.hypot(ev.clientX - drag.x0, ev.clientY - drag.y0) < THRESHOLD) return;
      begin(ev);
    }
    ev.preventDefault();
    move(ev);
  }
  function onUp(ev) { if (drag && ev.pointerId === drag.pointerId) end(ev, false); }
  function onCancel(ev) { if (drag && ev.pointerId === drag.pointerId) end(ev, true); }
  function onKey(ev) { if (ev.key === 'Escape' && drag) { ev.preventDefault(); end(null, true); } }

  board.addEventListener('pointerdown', (ev) => {
    if (drag || ev.button !== 0 || !ev.isPrimary) return;
    const card = ev.target.closest('li[data-id]');
    if (!card || ev.target.closest('button, a, input, select, textarea')) return;
    const onGrip = !!ev.target.closest('.grip');
    if (ev.pointerType !== 'mouse' && !onGrip) return; // touch scrolls the column unless it starts on the grip
    if (!canDrag(card.dataset.id)) return;
    if (ev.pointerType === 'mouse') ev.preventDefault(); // no text selection; focus by hand
    card.focus({ preventScroll: true });
    drag = { id: card.dataset.id, card, from: card.dataset.status, pointerId: ev.pointerId, x0: ev.clientX, y0: ev.clientY,
      started: false, over: null, targets: [] };
    window.addEventListener('pointermove', onMove, true);
    window.addEventListener('pointerup', onUp, true);
    window.addEventListener('pointercancel', onCancel, true);
    window.addEventListener('keydown', onKey, true);
  });
}
