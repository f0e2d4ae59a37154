// 明日需预约: the next working day's home visits without an agreed time (GET /me/call-ahead, kept for offline
// reading). Each person: a call button and three answers, each an appointment through the outbox.
import { fill, h, show } from '../dom.js';
import * as labels from '../labels.js';
import * as api from '../api.js';
import * as outbox from '../outbox.js';
import * as session from '../session.js';
import * as store from '../store.js';
import { agreedLine, saveAppointment, whenFields, whenProblem, windowAround } from './appoint.js';

const KEY = 'call-ahead';
const CALL = { agreed: '已约定', no_answer: '无人接听' };

export async function callAheadScreen() {
  const screen = h('section', { 'data-screen': 'call-ahead' }, h('h1', { text: '明日需预约' }), h('p', { class: 'loading', text: '正在读取…' }));
  show(screen);
  const held = await store.get('meta', KEY);
  const redraw = async (entry, warning) => draw(screen, entry, warning, () => redraw(entry, warning));
  if (held) await redraw(held, null);
  try {
    const fresh = { ...(await api.json('GET', '/api/v1/me/call-ahead')), fetched_at: Date.now() };
    await store.put('meta', fresh, KEY);
    await redraw(fresh, null);
  } catch (error) {
    if (error instanceof session.LoggedOut) return;
    await redraw(held, held ? '离线：显示上次取到的名单' : `无法读取名单：${error.message}`);
  }
}

async function draw(screen, entry, warning, redraw) {
  const waiting = outbox.appointments(await outbox.mine(session.get().username));
  const stops = entry ? entry.stops : [];
  fill(screen,
    h('h1', { 'data-call-ahead-day': entry && entry.date, text: entry ? `明日需预约（${labels.dayWord(entry.date)}）· ${stops.length} 人` : '明日需预约' }),
    warning ? h('p', { class: 'notice warn', text: warning }) : null,
    entry && !stops.length ? h('p', { class: 'notice', text: '这一天的上门探访都已约好' }) : null,
    h('ul', { class: 'owed' }, stops.map((stop) => card(entry.date, stop, waiting.get(stop.elder.id), redraw))),
  );
}

function card(day, stop, waiting, redraw) {
  const { elder } = stop;
  const answered = (what) => async () => { await what(); await redraw(); };
  const other = h('div', { 'data-other-day': true, hidden: true });
  const node = h('li', { class: 'card', 'data-call-ahead': stop.visit_id },
    h('h2', { text: elder.name }),
    h('p', { text: elder.address }),
    h('p', { class: 'muted', text: `计划 ${stop.planned_arrival || '--:--'} 到达` }),
    stop.last_call ? h('p', { class: 'muted', 'data-last-call': stop.last_call.result, text: `上次联系：${when(stop.last_call.at)} ${CALL[stop.last_call.result] || stop.last_call.result}` }) : null,
    agreedLine(day, null, waiting),
    h('div', { class: 'actions' },
      elder.phone ? h('a', { class: 'button', href: `tel:${elder.phone}`, 'data-call': 'elder', text: `拨打 ${elder.phone}` }) : h('p', { class: 'muted', text: '台账中没有电话' }),
      h('button', { type: 'button', class: 'primary', 'data-answer': 'home', text: '按计划在家',
        onclick: answered(() => {
          const [from, to] = windowAround(stop.planned_arrival);
          return saveAppointment({ elder, day, from, to });
        }) }),
      h('button', { type: 'button', 'data-answer': 'other', text: '改约其他日子',
        onclick: async () => { other.hidden = false; fill(other, await otherDay(day, stop, redraw)); } }),
      h('button', { type: 'button', class: 'plain', 'data-answer': 'no_answer', text: '无人接听',
        onclick: answered(() => saveAppointment({ elder, day, result: 'no_answer' })) }),
    ),
    other,
  );
  return node;
}

function when(at) {
  return new Date(at).toLocaleString('zh-CN', { month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

async function otherDay(day, stop, redraw) {
  const message = h('p', { class: 'error', role: 'alert' });
  const form = h('form', { 'data-appointment': true, class: 'form' },
    await whenFields(stop.elder.id, day, windowAround(stop.planned_arrival)),
    message,
    h('button', { type: 'submit', class: 'primary', text: '保存预约' }));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const problem = whenProblem(form);
    if (problem) { message.textContent = problem; return; }
    const { day: d, from, to } = form.elements;
    await saveAppointment({ elder: stop.elder, day: d.value, from: from.value, to: to.value });
    await redraw();
  });
  return form;
}
