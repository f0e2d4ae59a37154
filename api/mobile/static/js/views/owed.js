// 本月待访: the worker's people still owed a visit this month, kept for offline reading.
import { fill, h, show } from '../dom.js';
import * as labels from '../labels.js';
import * as api from '../api.js';
import * as store from '../store.js';

const PAGES = 20;

async function fetchAll() {
  const items = [];
  let cursor = null;
  let month = null;
  for (let page = 0; page < PAGES; page += 1) {
    const query = new URLSearchParams({ limit: '200' });
    if (cursor) query.set('cursor', cursor);
    const body = await api.json('GET', `/api/v1/me/owed?${query}`);
    month = body.month;
    items.push(...body.items);
    cursor = body.next_cursor;
    if (!cursor) break;
  }
  const entry = { month, items, fetched_at: Date.now() };
  await store.put('owed', entry, 'current');
  return entry;
}

export async function owedScreen() {
  const screen = h('section', { 'data-screen': 'owed' }, h('h1', { text: '本月待访' }), h('p', { class: 'loading', text: '正在读取…' }));
  show(screen);
  const held = await store.get('owed', 'current');
  if (held) draw(screen, held, null);
  try {
    draw(screen, await fetchAll(), null);
  } catch (error) {
    draw(screen, held, held ? '离线：显示上次取到的名单' : `无法读取名单：${error.message}`);
  }
}

function draw(screen, entry, warning) {
  fill(screen,
    h('h1', { text: entry ? `本月待访（${entry.month}）· ${entry.items.length} 人` : '本月待访' }),
    warning ? h('p', { class: 'notice warn', text: warning }) : null,
    entry && !entry.items.length ? h('p', { class: 'notice', text: '本月的探访都已完成' }) : null,
    h('ul', { class: 'owed' }, (entry ? entry.items : []).map((item) => h('li', { class: 'card', 'data-owed-elder': item.elder_id },
      h('h2', { text: `${item.name}（${item.age}岁）` }),
      h('p', { text: item.owed.map((o) => `${labels.KIND[o.kind]} ${o.earliest}～${o.latest}`).join('；') }),
      h('p', { class: `status status-${item.reason}`, text: labels.MISSING[item.reason] || item.reason }),
      h('p', { class: 'muted', text: item.next_planned
        ? `下次：${labels.dayWord(item.next_planned)} ${labels.KIND[item.next_kind] || ''}${item.next_is_mine ? '' : '（同事负责）'}`
        : '尚未安排日期' }),
    ))),
  );
}
