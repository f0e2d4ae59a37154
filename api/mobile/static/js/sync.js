// Sends the outbox through POST /me/sync (records and appointments, then the records' photos) whenever the server answers,
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
    await sendOutbox(me.username);
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

async function sendOutbox(username) {
  for (;;) {
    const waiting = (await outbox.mine(username)).filter((item) => item.state === 'pending' || item.state === 'sending');
    if (!waiting.length) return;
    const batch = waiting.slice(0, BATCH).map((item) => ({ ...item, state: 'sending', attempts: item.attempts + 1 }));
    await outbox.apply(batch, []);
    const json = { records: batch.filter((item) => item.record).map((item) => item.record) };
    const appointments = batch.filter((item) => item.appointment).map((item) => item.appointment);
    if (appointments.length) json.appointments = appointments; // absent, not empty: a batch of records only is unchanged
    const response = await api.call('POST', '/api/v1/me/sync', { json });
    const body = await response.json().catch(() => null);
    if (response.status >= 500 || response.status === 429) throw new Error(`HTTP ${response.status}`);
    if (!response.ok) {
      // Only a 422 judges the records; any other refusal (a password to change first) leaves them waiting.
      const errors = (body && body.errors) || { _schema: [body ? body.message : '发送失败'] };
      const state = response.status === 422 ? 'rejected' : 'pending';
      await outbox.apply(batch.map((item) => ({ ...item, state, errors: state === 'rejected' ? errors : null })), []);
      throw new api.ApiError(response.status, body);
    }
    await settle(batch, body.results || []);
    if (appointments.length) await settleAppointments(batch, body.appointments || []);
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

// Created or duplicate: done (the route shows it from its next fetch). Invalid or out of reach: the server's
// reasons, shown until the worker discards it; conflict: kept with a note (another body under this client_id).
async function settleAppointments(batch, results) {
  const byId = new Map(batch.filter((item) => item.appointment).map((item) => [item.client_id, item]));
  const puts = [];
  const deletes = [];
  for (const result of results) {
    const item = result.client_id && byId.get(result.client_id);
    if (!item) continue;
    byId.delete(item.client_id);
    if (result.status === 'created' || result.status === 'duplicate') deletes.push(item.client_id);
    else if (result.status === 'conflict') puts.push({ ...item, state: 'conflict', errors: result.errors || null });
    else {
      const errors = result.errors || (result.status === 'not_found' ? { elder_id: ['此人不在您的负责范围内或已不存在'] } : {});
      puts.push({ ...item, state: 'rejected', errors });
    }
  }
  await outbox.apply(puts, deletes);
  if (deletes.length) emit('appointments');
  // A server that answered without them (older than appointments): try again later, not in a tight loop.
  if (byId.size) throw new Error('appointments unanswered');
}

async function keepAdvice(item, advice) {
  const list = (await store.get('meta', 'advice')) || [];
  const entry = { client_id: item.client_id, advice, name: item.name, phone: item.phone, elder_id: item.record.elder_id,
    contact: item.contact || null, at: Date.now() };
  list.push(entry);
  await store.put('meta', list.slice(-20), 'advice');
  emit('advice', entry);
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
