// 最后一天上门未遇: nobody at home on the last working day the visit's window allows, so the worker calls at
// once. Reached (the person, or family who say where they are and that they are safe): a phone visit that
// settles the home visit; nobody: a phone visit `unreachable`, which the server turns into an urgent follow-up.
import { h, show } from '../dom.js';
import * as outbox from '../outbox.js';
import * as session from '../session.js';
import * as store from '../store.js';
import { todayIso } from '../labels.js';

const ANSWERS = [
  { key: 'self', outcome: 'visited', answered_by: 'self', text: '联系上：本人接听', cls: 'primary' },
  { key: 'family', outcome: 'visited', answered_by: 'family', text: '联系上：家属接听（说明去向、平安）', cls: 'primary' },
  { key: 'unreachable', outcome: 'unreachable', text: '无人接听', cls: 'danger' },
];

// `person`: {id, name, phone, contact: {name, phone} | null} of the stop where nobody was at home.
export function lastCallScreen({ person, onDone, onCancel }) {
  const startedAt = new Date().toISOString();
  const contact = person.contact;
  const save = (answer) => async (event) => {
    event.target.disabled = true;
    const me = session.get();
    const record = {
      client_id: outbox.newClientId(), planned_visit_id: null, elder_id: person.id,
      started_at: startedAt, ended_at: new Date().toISOString(), kind: 'phone', outcome: answer.outcome,
      findings: {}, follow_up: null, location: null, photos: [],
    };
    if (answer.answered_by) record.answered_by = answer.answered_by;
    await outbox.add({
      client_id: record.client_id, account: me.worker_id || me.username, username: me.username,
      record, name: person.name, phone: person.phone, created_at: Date.now(),
    });
    // The call is made: its advice (call_now, which may come back from the sync after this) is done with.
    const called = ((await store.get('meta', 'called')) || []).filter((c) => c.day === todayIso());
    await store.put('meta', [...called, { elder_id: person.id, day: todayIso() }], 'called');
    onDone();
  };
  show(h('section', { 'data-screen': 'last-call' }, h('div', { class: 'card form', 'data-last-call': person.id },
    h('h1', { text: `最后一天上门未遇：${person.name}` }),
    h('p', { class: 'notice warn', text: '今天是本次探访的最后一天：请立即电话联系本人或家属，问清去向和是否平安。' }),
    h('div', { class: 'actions' },
      person.phone ? h('a', { class: 'button', href: `tel:${person.phone}`, 'data-call': 'elder', text: `拨打本人 ${person.phone}` }) : null,
      contact && contact.phone ? h('a', { class: 'button', href: `tel:${contact.phone}`, 'data-call': 'emergency', text: `拨打${contact.name || '紧急联系人'} ${contact.phone}` }) : null),
    h('p', { text: '通话结果：' }),
    h('div', { class: 'actions' }, ANSWERS.map((answer) => h('button', { type: 'button', class: answer.cls, 'data-answer': answer.key, text: answer.text, onclick: save(answer) }))),
    h('button', { type: 'button', class: 'plain', 'data-action': 'cancel', text: '稍后再打', onclick: onCancel }),
  )));
}
