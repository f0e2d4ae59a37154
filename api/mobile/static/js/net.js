// Whether the server answered lately: navigator.onLine alone says nothing about a village's weak signal.
import { emit } from './events.js';

let online = navigator.onLine;

export function isOnline() {
  return online;
}

export function mark(now) {
  if (now !== online) {
    online = now;
    emit('net', online);
  }
}

window.addEventListener('online', () => mark(true));
window.addEventListener('offline', () => mark(false));
