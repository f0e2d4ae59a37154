// Login (and, when the admin set the password, the change of it). Tokens never go into a URL.
import { h, show } from '../dom.js';
import * as session from '../session.js';
import * as api from '../api.js';

// Those who make visits; every other role works at the console's desk.
const FIELD_ROLES = new Set(['grid_worker', 'visitor']);

export function loginScreen({ onDone, notice }) {
  const held = session.get();
  const message = h('p', { class: 'error', role: 'alert', 'aria-live': 'polite' });
  const form = h('form', { 'data-login': true, class: 'card form', autocomplete: 'on' },
    h('h1', { text: '探访人员登录' }),
    notice ? h('p', { class: 'notice warn', 'data-notice': 'expired', text: notice }) : null,
    h('label', {}, '账号', h('input', {
      name: 'username', autocomplete: 'username', required: true, autocapitalize: 'off',
      value: held ? held.username : null,
    })),
    h('label', {}, '密码', h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true })),
    message,
    h('button', { type: 'submit', class: 'primary', text: '登录' }),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const button = form.querySelector('button');
    button.disabled = true;
    message.textContent = '';
    try {
      await submit(form, message, onDone);
    } finally {
      button.disabled = false;
    }
  });
  show(h('section', { 'data-screen': 'login' }, form));
}

async function submit(form, message, onDone) {
  const username = form.elements.username.value.trim();
  let result;
  try {
    result = await session.login(username, form.elements.password.value);
  } catch (error) {
    message.textContent = '无法连接服务器：请有网络时再登录';
    return;
  }
  if (result.error) {
    message.textContent = result.status === 401 ? '账号或密码错误' : result.error;
    return;
  }
  if (!FIELD_ROLES.has(result.answer.role)) {
    // Supervisors, admins and coordinators use the console: this app keeps no token of theirs.
    await session.post('/api/v1/auth/logout', {}, result.answer.access_token).catch(() => {});
    window.location.assign('/console/');
    return;
  }
  await session.begin(result.session);
  await describeMe();
  if (result.session.password_change_required) passwordScreen(onDone);
  else onDone();
}

// GET /me names the worker; until a server has it, the typed account name stands in.
export async function describeMe() {
  try {
    await session.describe(await api.json('GET', '/api/v1/me'));
  } catch (error) { /* 404 on an older server, or offline: keep what we have */ }
}

export function passwordScreen(onDone) {
  const message = h('p', { class: 'error', role: 'alert' });
  const form = h('form', { 'data-password': true, class: 'card form' },
    h('h1', { text: '请先修改密码' }),
    h('p', { text: '管理员设置的密码须由本人修改后才能使用（至少 10 位，不能与账号相同）。' }),
    h('label', {}, '当前密码', h('input', { name: 'current_password', type: 'password', autocomplete: 'current-password', required: true })),
    h('label', {}, '新密码', h('input', { name: 'new_password', type: 'password', autocomplete: 'new-password', required: true, minlength: 10 })),
    message,
    h('button', { type: 'submit', class: 'primary', text: '修改密码' }),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      await api.json('POST', '/api/v1/me/password', {
        json: { current_password: form.elements.current_password.value, new_password: form.elements.new_password.value },
      });
      await session.changedPassword();
      onDone();
    } catch (error) {
      const reasons = error.errors ? Object.values(error.errors).flat() : [];
      message.textContent = [error.message, ...reasons].join('；');
    }
  });
  show(h('section', { 'data-screen': 'password' }, form));
}
