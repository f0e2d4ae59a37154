// Sends the outbox through POST /me/sync (records first, then their photos) whenever the server answers,
// with backoff from 2 s to 5 min while it does not. One run at a time; a record keeps its client_id forever,
// so a batch whose answer was lost is simply sent again and stored once.
import * as api from './api.js';
import * as outbox from './outbox.js';
import * as session from './session.js';
import * as store from './store.js';
import { emit } from './events.js';

const BATCH = 200;
const MIN_DELAY = 2000;
const MAX_DELAY = 5 * 60 * 1000;
let running = null;
let failures = 0;
let timer = null;

export function syncNow() {
  if (!running) {
    // One tab at a time: two would only send the same records twice (stored once, but twice the traffic).
    const locked = navigator.locks ? navigator.locks.request('visitsvc-m-sync', runOnce) : runOnce();
    running = locked.finally(() => { running = null; });
  }
  return running;
}

// Logout: no retry may wake up later.
export function stop() {
  clearTimeout(timer);
  failures = 0;
}

export function start() {
  window.addEventListener('online', () => syncNow());
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') syncNow();
  });
}

async function runOnce() {
  clearTimeout(timer);
  const me = session.get();
  if (!session.loggedIn() || me.password_change_required) return;
  try {
    await sendRecords(me.username);
    await sendPhotos(me.username);
    failures = 0;
  } catch (error) {
    if (error instanceof session.LoggedOut || error instanceof api.ApiError) return;
    failures += 1;
    const delay = Math.min(MAX_DELAY, MIN_DELAY * 2 ** (failures - 1));
    timer = setTimeout(syncNow, delay);
  } finally {
    emit('synced');
  }
}

async function sendRecords(username) {
  for (;;) {
    const waiting = (await outbox.mine(username)).filter((item) => item.state === 'pending' || item.state === 'sending');
    if (!waiting.length) return;
    const batch = waiting.slice(0, BATCH).map((item) => ({ ...item, state: 'sending', attempts: item.attempts + 1 }));
    await outbox.apply(batch, []);
    const response = await api.call('POST', '/api/v1/me/sync', { json: { records: batch.map((item) => item.record) } });
    const body = await response.json().catch(() => null);
    if (response.status >= 500 || response.status === 429) throw new Error(`HTTP ${response.status}`);
    if (!response.ok) {
      // Only a 422 judges the records; any other refusal (a password to change first) leaves them waiting.
      const errors = (body && body.errors) || { _schema: [body ? body.message : '发送失败'] };
      const state = response.status === 422 ? 'rejected' : 'pending';
      await outbox.apply(batch.map((item) => ({ ...item, state, errors: state === 'rejected' ? errors : null })), []);
      throw new api.ApiError(response.status, body);
    }
    await settle(batch, body.results);
  }
}

// Acknowledged records leave (or wait for their photos); conflicts and rejections stay, with the reasons.
async function settle(batch, results) {
  const byId = new Map(batch.map((item) => [item.client_id, item]));
  const puts = [];
  const deletes = [];
  for (const result of results) {
    const item = result.client_id && byId.get(result.client_id);
    if (!item) continue;
    if (result.status === 'created' || result.status === 'duplicate') {
      if (result.advice && result.advice.length) await keepAdvice(item, result.advice);
      if (item.photos && item.photos.length) puts.push({ ...item, state: 'sent_awaiting_photos', visit_id: result.visit_id, errors: null });
      else deletes.push(item.client_id);
    } else if (result.status === 'conflict') {
      puts.push({ ...item, state: 'conflict', visit_id: result.visit_id || null, errors: result.errors || null });
    } else {
      puts.push({ ...item, state: 'rejected', errors: result.errors || {} });
    }
  }
  await outbox.apply(puts, deletes);
}

async function keepAdvice(item, advice) {
  const list = (await store.get('meta', 'advice')) || [];
  list.push({ client_id: item.client_id, advice, name: item.name, phone: item.phone, at: Date.now() });
  await store.put('meta', list.slice(-20), 'advice');
  emit('advice');
}

async function sendPhotos(username) {
  const waiting = (await outbox.mine(username)).filter((item) => item.state === 'sent_awaiting_photos');
  for (const item of waiting) {
    let photos = item.photos.slice();
    const errors = [];
    while (photos.length) {
      const form = new FormData();
      form.append('file', photos[0], `photo-${photos.length}.jpg`);
      const response = await api.call('POST', `/api/v1/visits/${item.visit_id}/photos`, { form });
      if (response.status >= 500 || response.status === 429) throw new Error(`HTTP ${response.status}`);
      if (!response.ok) { // refused for good (too large, not an image): nothing to gain by sending it again
        const body = await response.json().catch(() => null);
        errors.push((body && body.message) || `HTTP ${response.status}`);
      }
      photos = photos.slice(1);
      await outbox.update(item.client_id, { photos });
    }
    await outbox.remove(item.client_id);
    if (errors.length) emit('photo-refused', errors);
  }
}
