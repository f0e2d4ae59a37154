// The account on this phone and its tokens (IndexedDB only, never a URL). Refresh tokens are single use:
// a second use revokes the whole login, so only one refresh is ever in flight (per page, and across tabs
// through navigator.locks where it exists).
import * as store from './store.js';
import { emit } from './events.js';
import { mark } from './net.js';

const EARLY_MS = 60 * 1000;
let current = null;
let refreshing = null;

export class LoggedOut extends Error {}
export class Offline extends Error {}

export async function load() {
  current = (await store.get('session', 'current')) || null;
  return current;
}

export function get() {
  return current;
}

export function forget() {
  current = null;
}

export function loggedIn() {
  return Boolean(current && current.access_token);
}

async function save(next) {
  current = next;
  await store.put('session', next, 'current');
}

function withTokens(base, answer) {
  const now = Date.now();
  return {
    ...base,
    role: answer.role || base.role,
    access_token: answer.access_token,
    access_expires_at: now + answer.expires_in * 1000,
    refresh_token: answer.refresh_token,
    refresh_expires_at: now + answer.refresh_expires_in * 1000,
  };
}

export async function post(path, body, token) {
  const headers = { 'Content-Type': 'application/json', Accept: 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  try {
    const response = await fetch(path, {
      method: 'POST', headers, body: JSON.stringify(body || {}), cache: 'no-store', credentials: 'omit',
    });
    mark(true);
    return response;
  } catch (error) {
    mark(false);
    throw new Offline('网络不可用');
  }
}

// Logs in; answers {session} or {error}. Another account's routes and list never stay on the phone.
export async function login(username, password) {
  const response = await post('/api/v1/auth/token', { username, password });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) return { status: response.status, error: answer.message || '登录失败' };
  const next = withTokens({ username, name: null, worker_id: null, area: null }, answer);
  next.password_change_required = Boolean(answer.password_change_required);
  return { answer, session: next };
}

// Another account's routes, list and advice never stay on the phone; its outbox stays, unsent, for it.
export async function begin(next) {
  store.reopen();
  const previous = await load();
  if (previous && previous.username !== next.username) {
    for (const name of ['routes', 'owed', 'meta']) await store.clear(name);
  }
  await save(next);
}

export async function describe(me) {
  await save({
    ...current, name: me.name, worker_id: me.worker_id, area: me.area || null, role: me.role,
    kind: me.kind || null, organisation: me.organisation || null,
  });
}

export async function changedPassword() {
  await save({ ...current, password_change_required: false });
}

export async function accessToken() {
  if (!current || !current.access_token) throw new LoggedOut();
  if (current.access_expires_at - Date.now() < EARLY_MS) return refresh(current.access_token);
  return current.access_token;
}

export function refresh(usedToken) {
  if (!refreshing) {
    const work = () => refreshOnce(usedToken);
    const locked = navigator.locks ? navigator.locks.request('visitsvc-m-refresh', work) : work();
    refreshing = locked.finally(() => { refreshing = null; });
  }
  return refreshing;
}

async function refreshOnce(usedToken) {
  const held = await load(); // another tab may have refreshed meanwhile
  if (!held || !held.refresh_token) throw new LoggedOut();
  if (held.access_token !== usedToken && held.access_expires_at - Date.now() > EARLY_MS) {
    return held.access_token;
  }
  const response = await post('/api/v1/auth/refresh', { refresh_token: held.refresh_token });
  if (response.status === 401 || response.status === 422) {
    await expire();
    throw new LoggedOut();
  }
  if (!response.ok) throw new Offline('服务器暂时不可用');
  const next = withTokens(held, await response.json());
  await save(next);
  return next.access_token;
}

// The login ended (refresh refused): the account and its outbox stay, the tokens go.
export async function expire() {
  if (!current) return;
  const { access_token, refresh_token, ...kept } = current;
  await save({ ...kept, access_token: null, refresh_token: null });
  emit('expired');
}
