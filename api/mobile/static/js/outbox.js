// Records and appointments wait here until the server has them. Each belongs to the account that made it;
// an appointment's entry holds `appointment` (the /me/sync body) where a record's holds `record`.
import * as store from './store.js';
import { emit } from './events.js';

const UNACKNOWLEDGED = new Set(['pending', 'sending', 'conflict', 'rejected']);

export async function add(entry) {
  await store.put('outbox', { state: 'pending', visit_id: null, errors: null, attempts: 0, next_try_at: 0, photos: [], ...entry });
  emit('outbox');
}

export async function mine(username) {
  return (await store.all('outbox')).filter((item) => item.username === username);
}

export function get(clientId) {
  return store.get('outbox', clientId);
}

export async function update(clientId, patch) {
  const item = await store.get('outbox', clientId);
  if (!item) return null;
  const next = { ...item, ...patch };
  await store.put('outbox', next);
  emit('outbox');
  return next;
}

// Many entries changed at once: `puts` replace whole entries, `deletes` are client_ids.
export async function apply(puts, deletes) {
  await store.writeMany('outbox', puts, deletes);
  emit('outbox');
}

export async function remove(clientId) {
  await store.remove('outbox', clientId);
  emit('outbox');
}

export async function counts(username) {
  const items = await mine(username);
  return {
    pending: items.filter((item) => UNACKNOWLEDGED.has(item.state)).length,
    photos: items.reduce((sum, item) => sum + (item.state === 'sent_awaiting_photos' ? item.photos.length : 0), 0),
    all: items.length,
  };
}

// Planned visits that already have a record on this phone, by visit_id (`items`: the account's entries).
export function recordedVisits(items) {
  const done = new Map();
  for (const item of items) {
    if (item.record && item.record.planned_visit_id) done.set(item.record.planned_visit_id, item);
  }
  return done;
}

// Appointments not yet acknowledged, by elder_id (the latest made wins, as on the server).
export function appointments(items) {
  const held = new Map();
  const made = items.filter((item) => item.appointment).sort((a, b) => a.created_at - b.created_at);
  for (const item of made) held.set(item.appointment.elder_id, item);
  return held;
}

// An item's identity from the moment it is made: sent twice, it is stored once.
export function newClientId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16)); // older web views outside a secure context
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
