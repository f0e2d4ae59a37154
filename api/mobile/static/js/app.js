// Bootstrap and screens: the service worker, the login, the top bar's counts, the tabs, the test hook.
import { $ } from './dom.js';
import { on } from './events.js';
import { isOnline } from './net.js';
import * as session from './session.js';
import * as outbox from './outbox.js';
import * as sync from './sync.js';
import * as store from './store.js';
import { installWorker } from './update.js';
import { todayIso, VISITOR_KIND } from './labels.js';
import { loginScreen, describeMe, passwordScreen } from './views/login.js';
import { showToday } from './views/today.js';
import { recordScreen } from './views/record.js';
import { outboxScreen } from './views/outbox.js';
import { owedScreen } from './views/owed.js';
import { absenceScreen } from './views/absence.js';
import { appointScreen } from './views/appoint.js';
import { callAheadScreen } from './views/callahead.js';
import { lastCallScreen } from './views/lastcall.js';

const state = { formOpen: false, screen: null, loginWanted: null };
// Screens where something is being written: no reload into a new version, no login form over them.
const FORMS = new Set(['record', 'appoint', 'last-call']);
const EXPIRED = '登录已过期，请重新登录；未发送的记录仍保存在手机上';
let drawnOnce;
const ready = new Promise((resolve) => { drawnOnce = resolve; });
window.__visitsvc = { syncNow: () => sync.syncNow(), ready };

const requestedDate = (() => {
  const value = new URLSearchParams(window.location.search).get('date');
  return value && /^\d{4}-\d{2}-\d{2}$/.test(value) ? value : null;
})();

function chrome(visible) {
  $('.topbar').hidden = !visible;
  $('.tabs').hidden = !visible || !session.loggedIn();
}

async function refreshBar() {
  const me = session.get();
  if (!me) return;
  // Who is logged in, and as what: a volunteer's phone says 志愿者 (and their organisation), not 网格员.
  const kind = [VISITOR_KIND[me.kind], me.organisation].filter(Boolean).join(' · ');
  $('[data-who]').textContent = kind ? `${me.name || me.username} · ${kind}` : (me.name || me.username);
  const net = $('[data-net]');
  net.textContent = isOnline() ? '在线' : '离线';
  net.className = `net ${isOnline() ? 'on' : 'off'}`;
  const counts = await outbox.counts(me.username);
  $('[data-pending]').textContent = String(counts.pending);
  $('[data-pending-photos]').textContent = String(counts.photos);
  $('.count.photos').hidden = counts.photos === 0;
}

function go(screen, options = {}) {
  if (state.loginWanted && !FORMS.has(screen)) { // the login ended while a record was being written
    const notice = state.loginWanted;
    state.loginWanted = null;
    askLogin(notice);
    return null;
  }
  state.screen = screen;
  state.formOpen = FORMS.has(screen);
  for (const tab of document.querySelectorAll('[data-nav]')) tab.classList.toggle('active', tab.dataset.nav === screen);
  if (screen === 'today') {
    return showToday({
      date: requestedDate, onDrawn: drawnOnce,
      onRecord: (stop) => go('record', { stop }),
      onAppoint: (stop, day) => go('appoint', { stop, day }),
      onLastCall: (person) => go('last-call', { person }),
    });
  }
  if (screen === 'record') {
    return recordScreen({
      stop: options.stop, held: options.held,
      onDone: (lastCall) => { go(lastCall ? 'last-call' : options.held ? 'outbox' : 'today', { person: lastCall }); sync.syncNow(); },
      onCancel: () => go(options.held ? 'outbox' : 'today'),
    });
  }
  if (screen === 'outbox') return outboxScreen({ onCorrect: (held) => go('record', { held }), syncNow: sync.syncNow });
  if (screen === 'appoint') {
    return appointScreen({ stop: options.stop, day: options.day, onDone: () => go('today'), onCancel: () => go('today') });
  }
  if (screen === 'last-call') {
    return lastCallScreen({ person: options.person, onDone: () => { go('today'); sync.syncNow(); }, onCancel: () => go('today') });
  }
  if (screen === 'call-ahead') return callAheadScreen();
  if (screen === 'owed') return owedScreen();
  if (screen === 'absence') return absenceScreen({ onReplanned: () => {} });
  return null;
}

async function called(elderId) {
  const today = todayIso();
  return ((await store.get('meta', 'called')) || []).some((c) => c.day === today && c.elder_id === elderId);
}

function askLogin(notice) {
  state.screen = 'login';
  state.formOpen = false;
  chrome(Boolean(session.get()));
  refreshBar();
  drawnOnce();
  loginScreen({ notice, onDone: enter });
}

async function enter() {
  chrome(true);
  refreshBar();
  go('today');
  sync.syncNow();
}

async function logout() {
  const me = session.get();
  const unsent = (await store.all('outbox')).length; // any account's: the wipe takes them all
  if (unsent > 0 && !window.confirm(`还有 ${unsent} 条记录没有发送完，退出后将被删除。确定退出？`)) return;
  if (me && me.access_token) {
    await session.post('/api/v1/auth/logout', {}, me.access_token).catch(() => {});
  }
  sync.stop();
  await store.wipe();
  if (window.caches) {
    for (const name of await caches.keys()) await caches.delete(name);
  }
  // No reload: the phone stays empty until the next login (the next opening re-caches the shell).
  session.forget();
  state.screen = null;
  chrome(false);
  loginScreen({ onDone: enter });
}

function wire() {
  for (const tab of document.querySelectorAll('[data-nav]')) tab.addEventListener('click', () => go(tab.dataset.nav));
  $('[data-action="logout"]').addEventListener('click', logout);
  on('outbox', refreshBar);
  on('net', (online) => { refreshBar(); if (online) sync.syncNow(); });
  on('expired', () => {
    if (state.formOpen) state.loginWanted = EXPIRED; // the record is saved first: it needs no network
    else askLogin(EXPIRED);
  });
  on('synced', () => { refreshBar(); if (state.screen === 'outbox') go('outbox'); });
  sync.start();
  on('advice', async (entry) => {
    // call_now for a stop the phone did not know was the last chance (a route held from before): the call
    // prompt opens as it would have at the door, unless a form is open or the call is already made.
    if (entry && entry.advice.includes('call_now') && !FORMS.has(state.screen) && !(await called(entry.elder_id))) {
      go('last-call', { person: { id: entry.elder_id, name: entry.name, phone: entry.phone, contact: entry.contact } });
    } else if (state.screen === 'today') go('today');
  });
  on('appointments', () => { if (state.screen === 'today') go('today'); }); // the route now carries them
}

async function main() {
  installWorker(() => state.formOpen);
  wire();
  const me = await session.load();
  if (!me || !me.access_token) { askLogin(me ? EXPIRED : null); return; }
  if (me.password_change_required) { chrome(true); passwordScreen(enter); return; }
  if (isOnline() && !me.worker_id) describeMe().then(refreshBar);
  await enter();
}

main();
