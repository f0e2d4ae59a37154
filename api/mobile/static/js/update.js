// The service worker: registered where the browser has one; a waiting new version takes over only when
// the app is opened, never while a record is being written.
import { $ } from './dom.js';

export async function installWorker(formOpen) {
  if (!('serviceWorker' in navigator)) {
    $('[data-offline-unsupported]').hidden = false;
    return false;
  }
  const controlled = Boolean(navigator.serviceWorker.controller);
  let registration;
  try {
    registration = await navigator.serviceWorker.register('/m/sw.js', { scope: '/m/' });
  } catch (error) {
    $('[data-offline-unsupported]').hidden = false;
    return false;
  }
  if (!controlled || !registration.waiting || formOpen()) return false;
  let reloading = false;
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    if (reloading) return;
    reloading = true;
    window.location.reload();
  });
  registration.waiting.postMessage({ type: 'skipWaiting' });
  return true;
}
