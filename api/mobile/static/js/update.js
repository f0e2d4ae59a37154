// The service worker: registered where the browser has one, without holding up the first draw (offline,
// a registration can take seconds). A waiting new version is told to take over as the app opens; the page
// reloads into it once, unless a record is being written by then (it then serves the next opening).
import { $ } from './dom.js';

export async function installWorker(formOpen) {
  if (!('serviceWorker' in navigator)) {
    $('[data-offline-unsupported]').hidden = false;
    return;
  }
  const controlled = Boolean(navigator.serviceWorker.controller);
  let registration;
  try {
    registration = await navigator.serviceWorker.register('/m/sw.js', { scope: '/m/' });
  } catch (error) {
    $('[data-offline-unsupported]').hidden = false;
    return;
  }
  const waiting = registration.waiting;
  if (!controlled || !waiting || formOpen()) return;
  let reloading = false;
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    if (reloading || formOpen()) return;
    reloading = true;
    window.location.reload();
  });
  waiting.postMessage({ type: 'skipWaiting' });
}
