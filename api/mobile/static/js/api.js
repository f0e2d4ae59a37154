// Calls to /api/v1 with the bearer token, one refresh on an expired token, one error shape.
import * as session from './session.js';
import { mark } from './net.js';

export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.message) || `HTTP ${status}`);
    this.status = status;
    this.code = body && body.code;
    this.errors = (body && body.errors) || {};
  }
}

async function send(method, path, token, options) {
  const headers = { Accept: 'application/json', ...(options.headers || {}) };
  if (token) headers.Authorization = `Bearer ${token}`;
  let body;
  if (options.form) body = options.form;
  else if (options.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.json);
  }
  try {
    const response = await fetch(path, { method, headers, body, cache: 'no-store', credentials: 'omit' });
    mark(true);
    return response;
  } catch (error) {
    mark(false);
    throw new session.Offline('网络不可用');
  }
}

// The raw answer; an expired access token is refreshed once and the call repeated.
export async function call(method, path, options = {}) {
  const token = await session.accessToken();
  let response = await send(method, path, token, options);
  if (response.status === 401) {
    const body = await response.clone().json().catch(() => ({}));
    if (body.code === 'token_expired' || body.code === 'invalid_token') {
      const fresh = await session.refresh(token);
      response = await send(method, path, fresh, options);
      if (response.status === 401) {
        await session.expire();
        throw new session.LoggedOut();
      }
    }
  }
  return response;
}

// The parsed body of a 2xx (null for 204), or an ApiError.
export async function json(method, path, options = {}) {
  const response = await call(method, path, options);
  if (response.status === 204) return null;
  const body = await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, body);
  return body;
}
