// 请假/报病: a future absence is re-planned tonight; a sick report for today re-plans today at once.
import { h, show } from '../dom.js';
import * as labels from '../labels.js';
import * as api from '../api.js';

export function absenceScreen({ onReplanned }) {
  const today = labels.todayIso();
  const result = h('div', { 'data-absence-result': true, 'aria-live': 'polite' });
  const form = h('form', { 'data-absence': true, class: 'card form' },
    h('h1', { text: '请假 / 报病' }),
    h('label', {}, '类别', h('select', { name: 'kind', required: true },
      Object.entries(labels.ABSENCE).map(([value, text]) => h('option', { value, text })))),
    h('label', {}, '第一天', h('input', { type: 'date', name: 'first_day', required: true, value: today, min: today })),
    h('label', {}, '最后一天', h('input', { type: 'date', name: 'last_day', required: true, value: today, min: today })),
    h('label', {}, '说明（可不填）', h('input', { name: 'note', maxlength: 200 })),
    h('button', { type: 'submit', class: 'primary', text: '提交' }),
    result,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const button = form.querySelector('[type=submit]');
    button.disabled = true;
    try {
      const note = form.elements.note.value.trim();
      const answer = await api.json('POST', '/api/v1/me/absences', { json: {
        first_day: form.elements.first_day.value, last_day: form.elements.last_day.value,
        kind: form.elements.kind.value, note: note || null,
      } });
      result.replaceChildren(...describe(answer));
      if (answer.replan && answer.replan.done) onReplanned();
    } catch (error) {
      const reasons = error.errors ? Object.entries(error.errors).map(([f, m]) => `${f}：${[].concat(m).join('；')}`) : [];
      result.replaceChildren(h('p', { class: 'error', text: error.status ? [error.message, ...reasons].join('；') : '需要网络：请有信号时再提交' }));
    } finally {
      button.disabled = false;
    }
  });
  show(h('section', { 'data-screen': 'absence' }, form));
}

function describe(answer) {
  const lines = [h('p', { class: 'notice', text: `已登记${labels.ABSENCE[answer.kind] || ''}：${answer.first_day} 至 ${answer.last_day}` })];
  const replan = answer.replan;
  if (!replan) lines.push(h('p', { text: '今晚的排程会把这些天的探访调给别的日子或同事。' }));
  else if (replan.done) lines.push(h('p', { 'data-replan': 'done', text: `今天的路线已重排：${replan.moved} 次探访已调整，其中 ${replan.to_colleagues} 次由其他网格的同事承担。` }));
  else lines.push(h('p', { class: 'warn', 'data-replan': 'refused', text: `今天未能立即重排（${replan.message || replan.refused || '原因不明'}），今晚会处理。` }));
  return lines;
}
