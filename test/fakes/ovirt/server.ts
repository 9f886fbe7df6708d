/**
 * The oVirt fake's HTTP side: SSO token and logout endpoints (JSON, errors as
 * `{error_code, error}`), bearer check (401 otherwise), `Version` and content-type checks,
 * request recording, injected failures, routing and `<fault>` rendering.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { Fault, type Route } from './engine.js';
import { parse, render, type Xml } from './xml.js';

/** One request the fake received. */
export interface FakeCall {
  readonly method: string;
  /** Below /ovirt-engine/api (`/vms/1/start`, `` for the root); SSO calls keep their full path. */
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  /** HTTP status answered. */
  status: number;
  /** Root element of the XML body, or `form` for SSO requests. */
  readonly root: string | null;
  /** The root element's parsed value; for SSO the form without password or token. */
  readonly body: unknown;
  readonly headers: { readonly version?: string; readonly accept?: string; readonly contentType?: string; readonly bearer: boolean };
}

/** A scripted failure for requests matching method/path. */
export interface InjectedFailure {
  readonly method?: string;
  readonly path?: RegExp;
  /** HTTP status to answer, or 'reset' to drop the connection without an answer. */
  readonly status: number | 'reset';
  times: number;
}

/** Credentials and tokens of the fake SSO. */
export interface SsoState {
  readonly user: string;
  readonly password: string;
  readonly tokens: Set<string>;
}

const API = '/ovirt-engine/api';

function send(res: http.ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

function sendFault(res: http.ServerResponse, f: Fault): void {
  send(res, f.status, 'application/xml;charset=UTF-8', render('fault', { reason: f.reason, detail: f.detail }));
}

function sso(req: http.IncomingMessage, res: http.ServerResponse, path: string, raw: string, state: SsoState, calls: FakeCall[]): void {
  const form = new URLSearchParams(raw);
  const logout = path === '/ovirt-engine/services/sso-logout';
  const { password: _p, token: _t, ...shown } = Object.fromEntries(form);
  const call: FakeCall = { method: 'POST', path, query: {}, status: 200, root: 'form', body: shown, headers: { accept: req.headers.accept, contentType: req.headers['content-type'], bearer: false } };
  calls.push(call);
  const json = (status: number, body: object): void => {
    call.status = status;
    send(res, status, 'application/json', JSON.stringify(body));
  };
  if (form.get('scope') !== 'ovirt-app-api') return json(400, { error_code: 'invalid_scope', error: 'The requested scope is invalid.' });
  if (logout) {
    state.tokens.delete(form.get('token') ?? '');
    return json(200, {});
  }
  if (form.get('grant_type') !== 'password') return json(400, { error_code: 'unsupported_grant_type', error: 'The authorization grant type is not supported.' });
  if (form.get('username') !== state.user || form.get('password') !== state.password) {
    return json(400, { error_code: 'access_denied', error: `Cannot authenticate user '${form.get('username') ?? ''}': The username or password is incorrect..` });
  }
  const token = randomBytes(24).toString('base64');
  state.tokens.add(token);
  json(200, { access_token: token, scope: 'ovirt-app-api', exp: String(Date.now() + 36e5), token_type: 'bearer' });
}

function dispatch(routes: readonly Route[], method: string, path: string, query: URLSearchParams, body: Xml | null): { status: number; xml: string } {
  for (const r of routes) {
    if (r.method !== method) continue;
    const m = r.pattern.exec(path);
    if (!m) continue;
    const reply = r.handle({ method, path, params: m.slice(1).map(decodeURIComponent), query, body });
    return { status: reply.status ?? 200, xml: reply.root ? render(reply.root, reply.body ?? {}) : '' };
  }
  if (routes.some((r) => r.pattern.test(path))) throw new Fault(405, 'Method Not Allowed', `${method} is not supported on ${path}`);
  throw new Fault(404, 'Not Found', `No resource at ${path}`);
}

/** TLS key and certificate (PEM) to serve HTTPS as real engines do. */
export interface FakeTls {
  readonly key: string | Buffer;
  readonly cert: string | Buffer;
}

/** Creates the HTTP(S) server; `routes` come from the engine modules. */
export function createServer(routes: readonly Route[], state: SsoState, calls: FakeCall[], failures: InjectedFailure[], tls?: FakeTls): http.Server | https.Server {
  const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url ?? '/', 'http://fake');
      const method = req.method ?? 'GET';
      if (method === 'POST' && (url.pathname === '/ovirt-engine/sso/oauth/token' || url.pathname === '/ovirt-engine/services/sso-logout')) {
        return sso(req, res, url.pathname, raw, state, calls);
      }
      if (url.pathname !== API && !url.pathname.startsWith(`${API}/`)) return send(res, 404, 'text/html', '<html><body>Not Found</body></html>');
      const path = url.pathname.slice(API.length);
      const auth = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
      let parsed: Xml | null = null;
      let parseError = false;
      try {
        parsed = raw.trim() ? parse(raw) : null;
      } catch {
        parseError = true;
      }
      const root = parsed ? (Object.keys(parsed)[0] ?? null) : null;
      const call: FakeCall = {
        method,
        path,
        query: Object.fromEntries(url.searchParams),
        status: 0,
        root,
        body: root && parsed ? parsed[root] : null,
        headers: { version: header(req, 'version'), accept: header(req, 'accept'), contentType: header(req, 'content-type'), bearer: !!auth },
      };
      calls.push(call);
      const injected = failures.find((f) => f.times > 0 && (!f.method || f.method === method) && (!f.path || f.path.test(path)));
      if (injected) {
        injected.times--;
        if (injected.status === 'reset') {
          call.status = -1;
          return req.socket.destroy();
        }
        call.status = injected.status;
        return sendFault(res, new Fault(injected.status, injected.status >= 500 ? 'Internal Server Error' : 'Operation Failed', 'injected failure'));
      }
      if (!auth || !state.tokens.has(auth[1]!)) {
        call.status = 401;
        return send(res, 401, 'text/html', '<html><head><title>Error</title></head><body>Unauthorized</body></html>');
      }
      try {
        if (call.headers.version !== undefined && call.headers.version !== '4') throw new Fault(400, 'Bad Request', `Version ${call.headers.version} is not supported`);
        if (raw.trim() && !/^application\/xml/.test(call.headers.contentType ?? '')) throw new Fault(415, 'Unsupported Media Type', `Content-Type ${call.headers.contentType ?? '(none)'}`);
        if (parseError) throw new Fault(400, 'Syntax error', 'Request body is not well-formed XML');
        const out = dispatch(routes, method, path, url.searchParams, parsed);
        call.status = out.status;
        send(res, out.status, 'application/xml;charset=UTF-8', out.xml);
      } catch (err) {
        const f = err instanceof Fault ? err : new Fault(500, 'Internal Server Error', String(err));
        call.status = f.status;
        sendFault(res, f);
      }
    });
  };
  return tls ? https.createServer({ key: tls.key, cert: tls.cert }, handler) : http.createServer(handler);
}

function header(req: http.IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}
