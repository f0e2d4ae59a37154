// 记录探访: one record, made on the phone with its client_id, kept in the outbox until the server has it.
import { h, show } from '../dom.js';
import * as labels from '../labels.js';
import * as outbox from '../outbox.js';
import * as session from '../session.js';
import * as geo from '../geo.js';
import { shrink } from '../photos.js';

const OUTCOMES = ['visited', 'not_home', 'refused', 'hospitalized', 'deceased', 'moved_out', 'unreachable'];
const MAX_PHOTOS = 20;

// `stop` for a new record; `held` (an outbox entry) to correct a rejected one under its own client_id.
export function recordScreen({ stop, held, onDone, onCancel }) {
  // A record refused for its times (a phone clock that ran fast) is re-stamped: resending them cannot pass.
  const timesRefused = held && held.errors && (held.errors.started_at || held.errors.ended_at);
  const startedAt = held && !timesRefused ? held.record.started_at : new Date().toISOString();
  const record = held ? held.record : null;
  const kind = record ? record.kind : stop.kind;
  const photos = held ? held.photos.slice() : [];
  const photoCount = h('span', { 'data-photo-count': true, text: `${photos.length} 张` });
  const message = h('p', { class: 'error', role: 'alert' });
  const name = held ? held.name : stop.elder.name;

  const form = h('form', { 'data-record': true, class: 'card form' },
    h('h1', { text: `记录探访：${name}` }),
    held && held.errors ? h('div', { class: 'notice warn', 'data-rejected': true }, reasons(held.errors)) : null,
    h('label', {}, '结果', h('select', { name: 'outcome', required: true },
      h('option', { value: '', text: '请选择' }),
      OUTCOMES.map((value) => h('option', { value, selected: record && record.outcome === value, text: labels.OUTCOME[value] })),
    )),
    h('fieldset', { class: 'choice' }, h('legend', { text: '方式' }),
      ['home', 'phone'].map((value) => h('label', {},
        h('input', { type: 'radio', name: 'kind', value, checked: kind === value }), labels.KIND[value]))),
    Object.keys(labels.AREA).map((area) => finding(area, record && record.findings[area])),
    h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'urgent', checked: Boolean(record && isUrgent(record)) }), '有紧急情况'),
    h('label', {}, '其他情况（填写后转督导跟进）', h('textarea', { name: 'note', rows: 3, maxlength: 500 })),
    h('label', { class: 'button' }, '拍照 / 选照片 ', photoCount,
      h('input', { type: 'file', name: 'photo', accept: 'image/*', capture: 'environment', multiple: true, class: 'file' })),
    message,
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'primary', text: '保存（稍后自动发送）' }),
      h('button', { type: 'button', class: 'plain', 'data-action': 'cancel', text: '返回', onclick: onCancel }),
    ),
  );
  if (record && record.follow_up && record.follow_up.note) form.elements.note.value = record.follow_up.note;
  form.elements.photo.addEventListener('change', async (event) => {
    const files = Array.from(event.target.files || []);
    for (const file of files) {
      if (photos.length >= MAX_PHOTOS) break;
      try {
        photos.push(await shrink(file));
      } catch (error) {
        message.textContent = '有照片无法读取，已跳过';
      }
    }
    event.target.value = '';
    photoCount.textContent = `${photos.length} 张`;
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!form.elements.outcome.value) { message.textContent = '请选择结果'; return; }
    form.querySelector('[type=submit]').disabled = true;
    const location = await geo.capture();
    const body = build(form, { clientId: held ? held.client_id : outbox.newClientId(), startedAt, stop, record, location, photos });
    const me = session.get();
    if (held) {
      await outbox.update(held.client_id, { record: body, photos, state: 'pending', errors: null, next_try_at: 0 });
    } else {
      await outbox.add({
        client_id: body.client_id, account: me.worker_id || me.username, username: me.username,
        record: body, photos, name: stop.elder.name, phone: stop.elder.phone, contact: stop.elder.emergency_contact,
        created_at: Date.now(),
      });
    }
    // Nobody at home on the window's last working day: the call is made now, not after the next sync.
    const lastCall = stop && stop.last_chance && body.kind === 'home' && body.outcome === 'not_home';
    onDone(lastCall ? personOf(stop) : null);
  });
  show(h('section', { 'data-screen': 'record' }, form));
  geo.warmUp();
}

export function personOf(stop) {
  const { elder } = stop;
  return { id: elder.id, name: elder.name, phone: elder.phone, contact: elder.emergency_contact };
}

function finding(area, held) {
  const name = `findings.${area}`;
  return h('fieldset', { class: 'choice finding' }, h('legend', { text: labels.AREA[area] }),
    h('label', {}, h('input', { type: 'radio', name, value: 'ok', checked: held && held.status === 'ok' }), '正常'),
    h('label', {}, h('input', { type: 'radio', name, value: 'concern', checked: held && held.status === 'concern' }), '有问题'),
    h('input', { name: `note.${area}`, placeholder: '说明（可不填）', maxlength: 500, value: held && held.note }),
  );
}

function isUrgent(record) {
  return Object.values(record.findings).some((f) => f.urgent) || Boolean(record.follow_up && record.follow_up.kind === 'urgent');
}

function reasons(errors) {
  return [h('p', { text: '服务器退回了这条记录：' }),
    h('ul', {}, Object.entries(errors).map(([field, messages]) => h('li', { text: `${field}：${messages.join('；')}` })))];
}

// The API's record body. The free note has no field of its own: it asks the supervisors to follow up.
function build(form, { clientId, startedAt, stop, record, location, photos }) {
  const urgent = form.elements.urgent.checked;
  const findings = {};
  for (const area of Object.keys(labels.AREA)) {
    const checked = form.querySelector(`[name="findings.${area}"]:checked`);
    if (!checked) continue;
    const note = form.elements[`note.${area}`].value.trim();
    findings[area] = { status: checked.value, note: note || null, urgent: urgent && checked.value === 'concern' };
  }
  const note = form.elements.note.value.trim();
  const urgentElsewhere = urgent && !Object.values(findings).some((f) => f.urgent);
  const kindChosen = form.querySelector('[name=kind]:checked');
  return {
    client_id: clientId,
    planned_visit_id: stop ? stop.visit_id : record.planned_visit_id,
    elder_id: stop ? stop.elder.id : record.elder_id,
    started_at: startedAt,
    ended_at: new Date().toISOString(),
    kind: kindChosen ? kindChosen.value : (stop ? stop.kind : record.kind),
    outcome: form.elements.outcome.value,
    findings,
    follow_up: note || urgentElsewhere ? { needed: true, kind: urgentElsewhere ? 'urgent' : null, note: note || null } : null,
    location,
    photos: photos.map((blob) => ({ content_type: 'image/jpeg', size_bytes: blob.size })),
  };
}
