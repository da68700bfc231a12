// Follow the address phones are given: when the organiser switches it (another wifi card, a hotspot),
// every QR code and join link on this screen changes at once, without a reload.
// Marked in the page: <img class="qr"> / <img class="wall-qr">, and elements with data-join-url
// ("short" shows it without "http://").
export function followAddress(socket) {
  socket.on('address', (msg) => {
    if (!msg || typeof msg.join_url !== 'string') return;
    for (const img of document.querySelectorAll('img.qr, img.wall-qr')) {
      const u = new URL(img.getAttribute('src'), location.href);
      u.searchParams.set('v', String(Date.now()));
      img.setAttribute('src', u.pathname + u.search);
    }
    for (const node of document.querySelectorAll('[data-join-url]')) {
      node.textContent = node.dataset.joinUrl === 'short' ? msg.join_url.replace(/^[a-z]+:\/\//, '') : msg.join_url;
      if (node.tagName === 'A') node.setAttribute('href', msg.join_url);
    }
    document.dispatchEvent(new CustomEvent('address', { detail: msg }));
  });
}
