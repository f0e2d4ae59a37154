// 今日路线: the day's stops in route order, drawn from the phone's copy first, then from the server.
import { fill, h, show } from '../dom.js';
import * as labels from '../labels.js';
import * as routes from '../routes.js';
import * as outbox from '../outbox.js';
import * as session from '../session.js';
import * as store from '../store.js';
import { isOnline } from '../net.js';
import { agreedLine } from './appoint.js';

const ADVICE_MS = 12 * 60 * 60 * 1000;

// Which day to open: ?date= if given, else today; a day without stops opens its next_day.
export async function showToday({ date, onRecord, onAppoint, onLastCall, onDrawn }) {
  const asked = date || labels.todayIso();
  const screen = h('section', { 'data-screen': 'today' }, h('p', { class: 'loading', text: '正在读取路线…' }));
  show(screen);
  let drawn = false;
  const draw = async (entry, notice) => {
    await drawDay(screen, entry, notice, { onRecord, onAppoint, onLastCall });
    if (!drawn) { drawn = true; onDrawn(); }
  };
  const local = await pick(asked, routes.held);
  if (local.entry) await draw(local.entry, local.notice);
  await routes.prune(null);
  if (isOnline() || !local.entry) {
    try {
      const fresh = await pick(asked, routes.fetchDay);
      await draw(fresh.entry, fresh.notice);
      const today = labels.todayIso();
      const todays = fresh.entry.date === today ? fresh.entry : await routes.held(today);
      const ahead = fresh.entry.route.next_day;
      if (ahead) await routes.fetchDay(ahead).catch(() => null); // a morning without signal still has it
      await routes.prune(new Set([today, asked, fresh.entry.date, ahead, todays && todays.route.next_day]));
    } catch (error) {
      if (!local.entry) await drawMissing(screen, asked, error);
      if (!drawn) { drawn = true; onDrawn(); }
    }
  }
}

async function pick(asked, read) {
  const entry = await read(asked);
  if (!entry) return { entry: null };
  const next = entry.route.next_day;
  if (entry.route.stops.length === 0 && next) {
    const later = await read(next);
    if (later) return { entry: later, notice: `${labels.dayWord(asked)}没有安排探访，以下是下一个工作日的路线` };
  }
  return { entry };
}

async function drawMissing(screen, date, error) {
  const text = error instanceof session.Offline || !isOnline()
    ? `离线：手机上没有${labels.dayWord(date)}的路线`
    : `路线读取失败：${error.message}`;
  fill(screen, h('h1', { text: labels.dayWord(date) }), h('p', { class: 'notice warn', 'data-notice': 'missing', text }));
}

async function drawDay(screen, entry, notice, actions) {
  const { route } = entry;
  const me = session.get();
  const items = await outbox.mine(me.username); // one read for both: the offline opening is timed
  const recorded = outbox.recordedVisits(items);
  const advice = await currentAdvice();
  const waiting = outbox.appointments(items);
  const upcoming = route.date >= labels.todayIso();
  const fetched = new Date(entry.fetched_at).toLocaleTimeString('zh-CN', { hour: '2-digit', minute: '2-digit' });
  fill(screen,
    h('h1', { 'data-day': route.date, text: `${labels.dayWord(route.date)} · ${route.stops.length} 站` }),
    h('p', { class: 'muted', text: `计划第 ${route.plan_version || '-'} 版 · ${fetched} 更新` }),
    notice ? h('p', { class: 'notice', 'data-notice': 'next-day', text: notice }) : null,
    route.stops.length === 0 ? h('p', { class: 'notice', 'data-notice': 'no-stops', text: '这一天没有安排探访' }) : null,
    adviceList(screen, advice, actions.onLastCall),
    changesNote(entry.changes),
    h('ol', { class: 'stops' }, route.stops.map((stop) => stopCard(route.date, stop, { local: recorded.get(stop.visit_id), waiting: waiting.get(stop.elder.id), upcoming }, actions))),
  );
  performance.mark('day-list-drawn');
}

// Advice is for the day it was given: older advice (a name and a phone) is not kept.
async function currentAdvice() {
  const held = (await store.get('meta', 'advice')) || [];
  if (!held.length) return held;
  const today = labels.todayIso();
  const called = new Set(((await store.get('meta', 'called')) || []).filter((c) => c.day === today).map((c) => c.elder_id));
  const done = (item) => called.has(item.elder_id) && item.advice.every((a) => a === 'call_now');
  const fresh = held.filter((item) => Date.now() - item.at < ADVICE_MS && !done(item));
  if (fresh.length !== held.length) await store.put('meta', fresh, 'advice');
  return fresh;
}

function adviceList(screen, advice, onLastCall) {
  if (!advice.length) return null;
  return h('div', { class: 'advice-list' }, advice.map((item) => h('div', { class: 'notice warn', 'data-advice': item.client_id },
    h('p', { text: `${item.name || ''}：${item.advice.map((a) => labels.ADVICE[a] || a).join('；')}` }),
    item.phone ? h('a', { class: 'button', href: `tel:${item.phone}`, 'data-call': 'advice', text: `拨打 ${item.phone}` }) : null,
    item.advice.includes('call_now') && item.elder_id ? h('button', { type: 'button', class: 'primary', 'data-action': 'last-call', text: '记录通话结果',
      onclick: () => onLastCall({ id: item.elder_id, name: item.name, phone: item.phone, contact: item.contact }) }) : null,
    h('button', { type: 'button', class: 'plain', text: '知道了', onclick: async (event) => {
      const left = ((await store.get('meta', 'advice')) || []).filter((a) => a.client_id !== item.client_id);
      await store.put('meta', left, 'advice');
      event.target.closest('[data-advice]').remove();
    } }),
  )));
}

function changesNote(changes) {
  if (!changes) return null;
  const parts = [];
  if (changes.added.length) parts.push(`新增 ${changes.added.length} 站`);
  if (changes.removed.length) parts.push(`取消 ${changes.removed.length} 站`);
  if (changes.moved.length) parts.push(`调整 ${changes.moved.length} 站`);
  if (!parts.length) return null;
  return h('p', { class: 'notice', 'data-changes': true, text: `计划已更新（自第 ${changes.since_version} 版）：${parts.join('，')}` });
}

function stopCard(day, stop, { local, waiting, upcoming }, { onRecord, onAppoint }) {
  const { elder } = stop;
  const open = upcoming && !local && stop.kind === 'home' && stop.status === 'pending';
  const status = local ? 'recorded' : stop.status;
  const contact = elder.emergency_contact;
  return h('li', { class: 'stop card', 'data-visit-id': stop.visit_id, 'data-kind': stop.kind },
    h('div', { class: 'row head' },
      h('span', { class: 'time', text: `${stop.order}. ${stop.planned_arrival || '--:--'}` }),
      h('span', { class: `kind kind-${stop.kind}`, 'data-kind-word': true, text: labels.KIND[stop.kind] || stop.kind }),
      h('span', { class: `status status-${status}`, 'data-status': status, text: labels.STATUS[status] || status }),
      stop.last_chance ? h('span', { class: 'status status-last', 'data-last-chance': true, text: '最后一天' }) : null,
    ),
    agreedLine(day, stop.appointment, waiting),
    h('h2', { 'data-name': true, text: `${elder.name}（${elder.age}岁）` }),
    h('p', { 'data-address': true, text: elder.address }),
    elder.categories.length ? h('p', { class: 'tags', text: elder.categories.map((c) => labels.CATEGORY[c] || c).join(' · ') }) : null,
    elder.risk_notes.length ? h('p', { class: 'risk', text: `⚠ ${elder.risk_notes.join('；')}` }) : null,
    elder.open_follow_ups.length ? h('p', { class: 'follow', text: `待跟进：${elder.open_follow_ups.map((f) => (f.urgent ? '【急】' : '') + labels.followUpWord(f.kind)).join('，')}` }) : null,
    stop.last_visit ? h('p', { class: 'muted', text: `上次：${stop.last_visit.date} ${labels.KIND[stop.last_visit.kind] || ''} ${labels.OUTCOME[stop.last_visit.outcome] || ''}${stop.last_visit.concerns.length ? '，关注 ' + stop.last_visit.concerns.map((c) => labels.AREA[c] || c).join('、') : ''}` }) : h('p', { class: 'muted', text: '上次：无记录' }),
    contact ? h('p', { 'data-emergency': true, text: `紧急联系人：${contact.name || ''} ${contact.phone || ''}` }) : null,
    h('div', { class: 'actions' },
      stop.nav ? h('a', { class: 'button', href: stop.nav.amap, 'data-nav-link': 'amap', rel: 'noreferrer', text: '高德导航' }) : null,
      stop.nav ? h('a', { class: 'button', href: stop.nav.baidu, 'data-nav-link': 'baidu', rel: 'noreferrer', text: '百度导航' }) : null,
      elder.phone ? h('a', { class: 'button', href: `tel:${elder.phone}`, 'data-call': 'elder', text: '拨打本人' }) : null,
      contact && contact.phone ? h('a', { class: 'button', href: `tel:${contact.phone}`, 'data-call': 'emergency', text: '拨打紧急联系人' }) : null,
      open ? h('button', { type: 'button', 'data-action': 'appoint', text: '预约', onclick: () => onAppoint(stop, day) }) : null,
      h('button', { type: 'button', class: 'primary', 'data-action': 'record', text: local ? '再记一次' : '记录探访', onclick: () => onRecord(stop) }),
    ),
  );
}
