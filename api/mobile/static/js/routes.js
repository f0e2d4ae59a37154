// Day routes: fetched with ETag and since_version, kept in IndexedDB for today and the next working day.
import * as store from './store.js';
import * as api from './api.js';
import { todayIso } from './labels.js';

export function held(date) {
  return store.get('routes', date);
}

export async function fetchDay(date) {
  const before = await held(date);
  const query = new URLSearchParams({ date });
  const version = before && before.route.plan_version;
  if (version) query.set('since_version', version);
  const headers = before && before.etag ? { 'If-None-Match': before.etag } : {};
  let response = await api.call('GET', `/api/v1/me/route?${query}`, { headers });
  if (response.status === 422 && version) { // the version held is no longer known: start afresh
    response = await api.call('GET', `/api/v1/me/route?date=${date}`);
  }
  if (response.status === 304 && before) {
    const kept = { ...before, fetched_at: Date.now() };
    await store.put('routes', kept, date);
    return kept;
  }
  const body = await response.json().catch(() => null);
  if (!response.ok) throw new api.ApiError(response.status, body);
  // A change list stays on show until a later version replaces it.
  const sameVersion = before && before.route.plan_version === body.plan_version;
  const changes = body.changes || (sameVersion ? before.changes : null);
  const entry = { date, route: body, etag: response.headers.get('ETag'), fetched_at: Date.now(), changes };
  await store.put('routes', entry, date);
  return entry;
}

// Only today's, the next working day's and the day on screen stay; past days go even offline.
export async function prune(keep) {
  const today = todayIso();
  for (const date of await store.keys('routes')) {
    if (date < today || (keep && !keep.has(date))) await store.remove('routes', date);
  }
}
