// The import wizard's conveniences; every step works without them (plain forms).
// - a changed tab re-reads the file at once;
// - on the preview, buttons filter the rows (all / to create / to update / already present / refused);
// - a second click on "Import" while the first is on its way is ignored.
const wizard = document.getElementById('import-wizard');

if (wizard) {
  const form = document.getElementById('wizard-form');
  const tab = document.getElementById('import-tab');
  if (tab && form) {
    tab.addEventListener('change', () => {
      const next = form.querySelector('#import-next');
      if (next) next.click(); else form.submit();
    });
  }
  const filters = wizard.querySelector('.filters');
  const table = document.getElementById('preview-table');
  if (filters && table) {
    filters.hidden = false;
    filters.addEventListener('click', (ev) => {
      const btn = ev.target.closest('button[data-filter]');
      if (!btn) return;
      const want = btn.dataset.filter;
      for (const b of filters.querySelectorAll('button')) b.setAttribute('aria-pressed', String(b === btn));
      for (const tr of table.tBodies[0].rows) tr.hidden = want !== 'all' && tr.dataset.action !== want;
    });
  }
  if (form) {
    let sent = false;
    form.addEventListener('submit', (ev) => {
      const by = ev.submitter;
      if (by && by.value === 'confirm') {
        if (sent) { ev.preventDefault(); return; }
        sent = true;
        // Disabled after this event so the button's own name/value still go with the form.
        setTimeout(() => { by.disabled = true; by.setAttribute('aria-busy', 'true'); }, 0);
      }
    });
  }
}
