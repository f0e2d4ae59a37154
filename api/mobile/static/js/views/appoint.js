// 预约: an agreed day and time window for a person's next home visit, saved to the outbox (offline too) and
// sent through /me/sync like a record; the server keeps it once per client_id and plans the visit into it.
import { h, show } from '../dom.js';
import * as labels from '../labels.js';
import * as outbox from '../outbox.js';
import * as session from '../session.js';
import * as store from '../store.js';
import { syncNow } from '../sync.js';

const EARLIEST = '07:00';
const LATEST = '20:00';

// `result` agreed (with a window) or no_answer (a call ahead nobody answered: the day asked about, no window).
export async function saveAppointment({ elder, day, from, to, note, result = 'agreed' }) {
  const me = session.get();
  const body = { client_id: outbox.newClientId(), elder_id: elder.id, day, result };
  if (result === 'agreed') Object.assign(body, { window_start: from, window_end: to });
  if (note) body.note = note;
  await outbox.add({
    client_id: body.client_id, account: me.worker_id || me.username, username: me.username,
    appointment: body, name: elder.name, created_at: Date.now(),
  });
  syncNow();
}

// A window around a planned arrival: about an hour either side (from the half hour before), inside the day's
// 07:00-20:00. Two hours is what a worker can promise with a route of ten stops.
export function windowAround(arrival) {
  const at = minutes(arrival || '09:00');
  const lo = minutes(EARLIEST);
  const hi = minutes(LATEST);
  const start = Math.max(lo, Math.min(Math.floor((at - 60) / 30) * 30, hi - 120));
  return [clock(start), clock(Math.min(hi, start + 120))];
}

function minutes(text) {
  const [hh, mm] = text.slice(0, 5).split(':').map(Number);
  return hh * 60 + mm;
}

function clock(total) {
  return `${String(Math.floor(total / 60)).padStart(2, '0')}:${String(total % 60).padStart(2, '0')}`;
}

// The person's home-visit window from the owed list the phone holds (min today): the form's day bounds.
async function personWindow(elderId) {
  const owed = await store.get('owed', 'current');
  const item = owed && owed.items.find((o) => o.elder_id === elderId);
  const home = item && item.owed.find((o) => o.kind === 'home');
  const today = labels.todayIso();
  if (!home) return { min: today, max: null };
  return { min: home.earliest > today ? home.earliest : today, max: home.latest };
}

// The day, from and to fields, checked here so that a worker offline hears of a slip at once.
export async function whenFields(elderId, day, [from, to]) {
  const bounds = await personWindow(elderId);
  return [
    h('label', {}, '日期（工作日）', h('input', { type: 'date', name: 'day', required: true, value: day, min: bounds.min, max: bounds.max })),
    h('div', { class: 'row' },
      h('label', {}, '从', h('input', { type: 'time', name: 'from', required: true, value: from, min: EARLIEST, max: LATEST })),
      h('label', {}, '到', h('input', { type: 'time', name: 'to', required: true, value: to, min: EARLIEST, max: LATEST }))),
  ];
}

export function whenProblem(form) {
  const { day, from, to } = form.elements;
  if (!day.value || !from.value || !to.value) return '请填写日期和时间';
  if (day.value < labels.todayIso()) return '日期不能早于今天';
  if (day.min && day.value < day.min) return `日期须在 ${day.min} 之后`;
  if (day.max && day.value > day.max) return `日期须在 ${day.max} 之前（本次探访的期限）`;
  if (from.value < EARLIEST || to.value > LATEST) return '时间须在 07:00–20:00 之间';
  if (to.value <= from.value) return '结束时间须晚于开始时间';
  return null;
}

export async function appointScreen({ stop, day, onDone, onCancel }) {
  const { elder } = stop;
  const contact = elder.emergency_contact;
  const message = h('p', { class: 'error', role: 'alert' });
  const form = h('form', { 'data-appointment': true, class: 'card form' },
    h('h1', { text: `预约上门：${elder.name}` }),
    h('div', { class: 'actions' },
      elder.phone ? h('a', { class: 'button', href: `tel:${elder.phone}`, 'data-call': 'elder', text: `拨打本人 ${elder.phone}` }) : null,
      contact && contact.phone ? h('a', { class: 'button', href: `tel:${contact.phone}`, 'data-call': 'emergency', text: `拨打${contact.name || '紧急联系人'}` }) : null),
    await whenFields(elder.id, day, windowAround(stop.planned_arrival)),
    h('label', {}, '备注（可不填）', h('input', { name: 'note', maxlength: 200 })),
    message,
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'primary', text: '保存预约（稍后自动发送）' }),
      h('button', { type: 'button', class: 'plain', 'data-action': 'cancel', text: '返回', onclick: onCancel })),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const problem = whenProblem(form);
    if (problem) { message.textContent = problem; return; }
    form.querySelector('[type=submit]').disabled = true;
    const { day: d, from, to, note } = form.elements;
    await saveAppointment({ elder, day: d.value, from: from.value, to: to.value, note: note.value.trim() });
    onDone();
  });
  show(h('section', { 'data-screen': 'appoint' }, form));
}

// What a stop or a call-ahead entry shows: the server's agreed time, or the one waiting in the outbox.
export function agreedLine(day, stored, waiting) {
  if (waiting) {
    const a = waiting.appointment;
    const what = a.result === 'no_answer' ? `无人接听（问 ${labels.dayWord(a.day)}）` : `已预约 ${a.day === day ? '' : labels.dayWord(a.day) + ' '}${a.window_start}–${a.window_end}`;
    return h('p', { class: 'appointment', 'data-appointment': 'pending', text: `${what}（${labels.OUTBOX_STATE[waiting.state] || waiting.state}）` });
  }
  if (stored) return h('p', { class: 'appointment', 'data-appointment': stored.id, text: `已预约 ${stored.window_start}–${stored.window_end}` });
  return null;
}
