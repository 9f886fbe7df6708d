// The REST API client: the token lives in sessionStorage (this tab only) and goes out as a
// Bearer header; every failure becomes an ApiError carrying vizor's {error: {code, message}}.

const TOKEN_KEY = 'vizor.token';
// The API sits beside /ui/ on the same origin (and under the same prefix behind a proxy).
const API_BASE = new URL('../api/v1/', document.baseURI);

/** A failed API call: HTTP status plus vizor's stable error code and message. */
export class ApiError extends Error {
  constructor(status, code, message, body) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.body = body;
  }
}

const listeners = new Set();

/** Calls `fn(error)` whenever the API answers 401 (the token is missing, wrong, revoked or expired). */
export function onUnauthorized(fn) {
  listeners.add(fn);
}

/** The token of this tab, or null. */
export function getToken() {
  return sessionStorage.getItem(TOKEN_KEY);
}

/** Keeps (or with null forgets) the token for this tab. */
export function setToken(token) {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

/** The URL of an API path such as `catalog/isos` with its query (undefined values dropped). */
export function apiUrl(path, query = {}) {
  const url = new URL(path.replace(/^\/+/, ''), API_BASE);
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') url.searchParams.set(k, String(v));
  return url;
}

/**
 * One API call. Resolves with the parsed JSON body (null for 204), and the response's
 * status and Location on `meta`; rejects with ApiError.
 */
export async function call(method, path, { query, body, signal } = {}) {
  const headers = { accept: 'application/json' };
  const token = getToken();
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res;
  try {
    res = await fetch(apiUrl(path, query), { method, headers, signal, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (err) {
    if (err.name === 'AbortError') throw err;
    throw new ApiError(0, 'NETWORK', `vizor did not answer (${err.message}): is the service running?`);
  }
  const text = await res.text();
  let json = null;
  if (text && (res.headers.get('content-type') ?? '').includes('json')) {
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
  }
  if (!res.ok) {
    const code = json?.error?.code ?? `HTTP_${res.status}`;
    const message = json?.error?.message ?? `${method} ${path} answered ${res.status} ${res.statusText}`;
    const error = new ApiError(res.status, code, message, json);
    if (res.status === 401) for (const fn of listeners) fn(error);
    throw error;
  }
  return { data: json, status: res.status, location: res.headers.get('location') };
}

/** GET returning the body. */
export async function get(path, query, signal) {
  return (await call('GET', path, { query, signal })).data;
}

/** POST returning the body (null for 204). */
export async function post(path, body = {}, signal) {
  return (await call('POST', path, { body, signal })).data;
}

/** DELETE. */
export async function del(path, signal) {
  await call('DELETE', path, { signal });
}

/** A path segment, encoded. */
export const seg = (s) => encodeURIComponent(String(s));
