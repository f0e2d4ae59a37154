// Where the record is made: asked once (on the first record form), never waited on for long.
import * as store from './store.js';

let latest = null;

function fix(options) {
  return new Promise((resolve) => {
    if (!navigator.geolocation) { resolve(null); return; }
    navigator.geolocation.getCurrentPosition(
      (position) => resolve(position),
      () => resolve(null),
      options,
    );
  });
}

async function permitted() {
  if (navigator.permissions && navigator.permissions.query) {
    try {
      return (await navigator.permissions.query({ name: 'geolocation' })).state;
    } catch (error) { /* unknown to this browser */ }
  }
  return null;
}

// On opening a form: the first time asks the person; later only where the answer was yes.
export async function warmUp() {
  const asked = await store.get('meta', 'geo-asked');
  const state = await permitted();
  if (state === 'denied' || (asked && state !== 'granted' && !(state === null && asked === 'granted'))) return;
  if (!asked) await store.put('meta', 'asked', 'geo-asked');
  const position = await fix({ enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  if (position) {
    latest = position;
    await store.put('meta', 'granted', 'geo-asked');
  }
}

// The position for a record being saved: a recent fix, or what arrives within a second and a half.
export async function capture() {
  let position = latest && Date.now() - latest.timestamp < 120000 ? latest : null;
  if (!position && (await permitted()) === 'granted') {
    position = await Promise.race([
      fix({ enableHighAccuracy: true, timeout: 1500, maximumAge: 30000 }),
      new Promise((resolve) => setTimeout(() => resolve(null), 1600)),
    ]);
  }
  if (!position) return null;
  const { longitude, latitude, accuracy } = position.coords;
  return { lon: longitude, lat: latitude, accuracy_m: Math.min(accuracy, 100000) };
}
