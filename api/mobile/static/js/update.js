// The service worker: registered where the browser has one; a waiting new version takes over only when
// the app is opened, never while a record is being written.
import { $ } from './dom.js';

const TAKEOVER_MS = 3000;

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
  const waiting = registration.waiting;
  if (!controlled || !waiting || formOpen()) return false;
  $('#screen').textContent = '正在更新到新版本…';
  // Chrome activates the new version only once the old one has finished its requests: usually at once,
  // sometimes seconds later. The app opens meanwhile; the reload then comes only if no form is open.
  let opened = false;
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    if (!opened || !formOpen()) window.location.reload();
  });
  waiting.postMessage({ type: 'skipWaiting' });
  const activated = await new Promise((resolve) => {
    navigator.serviceWorker.addEventListener('controllerchange', () => resolve(true));
    setTimeout(() => resolve(false), TAKEOVER_MS);
  });
  opened = !activated;
  return activated;
}
