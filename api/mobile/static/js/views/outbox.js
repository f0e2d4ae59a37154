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
  const when = new Date(item.record.ended_at).toLocaleString('zh-CN', { month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit' });
  const node = h('li', { class: `card state-${item.state}`, 'data-outbox-id': item.client_id, 'data-state': item.state },
    h('div', { class: 'row head' },
      h('strong', { text: item.name || `#${item.record.planned_visit_id}` }),
      h('span', { class: `status outbox-${item.state}`, text: labels.OUTBOX_STATE[item.state] || item.state })),
    h('p', { text: `${when} · ${labels.KIND[item.record.kind]} · ${labels.OUTCOME[item.record.outcome]} · 照片 ${item.photos.length} 张` }),
  );
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
