// 待发送: what the server does not have yet, and what it refused or already held differently.
import { fill, h, show } from '../dom.js';
import * as labels from '../labels.js';
import * as outbox from '../outbox.js';
import * as session from '../session.js';
import * as api from '../api.js';

export async function outboxScreen({ onCorrect, syncNow }) {
  const screen = h('section', { 'data-screen': 'outbox' });
  show(screen);
  const draw = async () => {
    const items = (await outbox.mine(session.get().username)).sort((a, b) => a.created_at - b.created_at);
    fill(screen,
      h('h1', { text: `待发送（${items.length}）` }),
      h('button', { type: 'button', class: 'primary', 'data-action': 'sync', text: '立即发送',
        onclick: async () => { await syncNow(); await draw(); } }),
      items.length ? null : h('p', { class: 'notice', text: '全部记录都已发送' }),
      h('ul', { class: 'outbox' }, items.map((item) => entry(item, draw, onCorrect))),
    );
  };
  await draw();
}

function entry(item, redraw, onCorrect) {
  const node = h('li', { class: `card state-${item.state}`, 'data-outbox-id': item.client_id, 'data-state': item.state },
    h('div', { class: 'row head' },
      h('strong', { text: item.name || `#${item.record ? item.record.planned_visit_id : item.appointment.elder_id}` }),
      h('span', { class: `status outbox-${item.state}`, text: labels.OUTBOX_STATE[item.state] || item.state })),
    h('p', { text: item.record ? recordLine(item) : appointmentLine(item.appointment) }),
  );
  if (item.appointment) return appointmentEntry(node, item, redraw);
  if (item.state === 'rejected') {
    node.append(
      h('div', { class: 'notice warn', 'data-rejected': true },
        h('ul', {}, Object.entries(item.errors || {}).map(([field, messages]) => h('li', { text: `${field}：${[].concat(messages).join('；')}` })))),
      h('button', { type: 'button', class: 'primary', 'data-action': 'correct', text: '修改后重发', onclick: () => onCorrect(item) }),
    );
  }
  if (item.state === 'conflict') {
    const stored = h('div', { class: 'notice warn', 'data-conflict': true }, h('p', { text: '服务器已有这条记录的另一版本：' }));
    node.append(stored, h('button', { type: 'button', class: 'danger', 'data-action': 'discard', text: '放弃手机上的这条',
      onclick: async () => { await outbox.remove(item.client_id); await redraw(); } }));
    showStored(stored, item.visit_id);
  }
  return node;
}

function recordLine(item) {
  const when = new Date(item.record.ended_at).toLocaleString('zh-CN', { month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit' });
  return `${when} · ${labels.KIND[item.record.kind]} · ${labels.OUTCOME[item.record.outcome]} · 照片 ${item.photos.length} 张`;
}

const FIELD = { day: '日期', window_start: '开始时间', window_end: '结束时间', elder_id: '老人', note: '备注' };

function appointmentLine(a) {
  const day = labels.dayWord(a.day);
  return a.result === 'no_answer' ? `预约电话无人接听 · 问 ${day}` : `预约上门 · ${day} ${a.window_start}–${a.window_end}`;
}

// An appointment refused (its reasons) or held differently on the server (conflict): the worker discards it
// and makes it again if it still stands; it is never resent under a new client_id by itself.
function appointmentEntry(node, item, redraw) {
  if (item.state !== 'rejected' && item.state !== 'conflict') return node;
  const reasons = Object.entries(item.errors || {}).map(([field, messages]) => h('li', { text: `${FIELD[field] || field}：${[].concat(messages).join('；')}` }));
  const note = item.state === 'conflict' ? h('p', { text: '服务器已有这条预约的另一版本（可能已在其他设备或办公室修改）' }) : null;
  node.append(
    h('div', { class: 'notice warn', [item.state === 'conflict' ? 'data-conflict' : 'data-rejected']: true }, note, h('ul', {}, reasons)),
    h('button', { type: 'button', class: 'danger', 'data-action': 'discard', text: '放弃这条预约',
      onclick: async () => { await outbox.remove(item.client_id); await redraw(); } }),
  );
  return node;
}

async function showStored(box, visitId) {
  if (!visitId) { box.append(h('p', { text: '（服务器未给出记录编号）' })); return; }
  try {
    const visit = await api.json('GET', `/api/v1/visits/${visitId}`);
    const at = new Date(visit.started_at).toLocaleString('zh-CN');
    box.append(h('p', { 'data-stored-visit': visit.id, text: `${at} · ${labels.KIND[visit.kind]} · ${labels.OUTCOME[visit.outcome]}（记录 #${visit.id}）` }));
  } catch (error) {
    box.append(h('p', { text: `暂时无法读取服务器上的记录 #${visitId}（${error.message}）` }));
  }
}
