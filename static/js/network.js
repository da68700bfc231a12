// The organiser's network page: choose the address phones get, watch the wifi check, name a USB folder.
import { ApiError, call } from './lib/api.js';
import { followAddress } from './lib/address.js';
import { $, bootData, setCatalogue, showErrors, t, toast } from './lib/dom.js';
import { Live } from './lib/live.js';

const boot = bootData();
setCatalogue(boot.i18n);
const url = (p) => `/api/w/${boot.workshop}${p}`;
const live = new Live(boot.workshop);
const socket = live.connect();
followAddress(socket);

function renderChecks(c) {
  for (const dd of document.querySelectorAll('[data-check]')) {
    const v = c[dd.dataset.check];
    dd.textContent = v === null || v === undefined ? '—' : String(v);
  }
  const warn = $('#check-warning');
  const bad = (c.slow || 0) + (c.dropped || 0);
  warn.hidden = !c.phones || bad === 0;
  if (!warn.hidden) warn.textContent = t('net.warn_slow', { n: bad, total: c.phones, ms: c.slow_ms });
}
socket.on('wifi_check', renderChecks);

document.addEventListener('address', (e) => {
  $('#current-url').textContent = e.detail.base_url;
  const check = $('#check-url');
  check.textContent = `${e.detail.base_url}${new URL(check.href).pathname}`;
});

$('#addr-custom').addEventListener('input', () => { $('#addr-custom-radio').checked = true; });

$('#addr-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const form = e.currentTarget;
  const picked = form.querySelector('input[name="addr"]:checked');
  const value = !picked || picked.value === 'custom' ? $('#addr-custom').value.trim() : picked.value;
  try {
    const res = await call('POST', url('/network/address'), { url: value });
    showErrors(form, null);
    $('#current-url').textContent = res.url;
    toast(t('net.address_done', { url: res.url }));
  } catch (err) {
    showErrors(form, err instanceof ApiError ? err.body : null);
    if (!(err instanceof ApiError)) toast(t('net.network_error'), 'error');
  }
});

$('#usb-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const form = e.currentTarget;
  try {
    const res = await call('POST', url('/network/backup-folder'), { folder: $('#usb-folder').value });
    showErrors(form, null);
    $('#usb-state').textContent = res.folder ? t('net.usb_on', { folder: res.folder }) : t('net.usb_off');
    toast(res.folder ? t('net.usb_done') : t('net.usb_off'));
  } catch (err) {
    showErrors(form, err instanceof ApiError ? err.body : null);
    if (!(err instanceof ApiError)) toast(t('net.network_error'), 'error');
  }
});
