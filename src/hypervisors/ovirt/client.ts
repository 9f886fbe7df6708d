/**
 * A small typed client for the oVirt REST API v4: bearer token from SSO, `Version: 4`, XML
 * in and out, `<fault>` mapping, one re-login when the engine answers 401 (tokens expire and
 * cannot be refreshed), and retries of transient failures.
 */
import { HvAuthError, HypervisorError } from '../errors.js';
import { DEFAULT_RETRY, withRetry, type RetryPolicy } from '../retry.js';
import { errorForStatus, faultOf, parseFault } from './faults.js';
import { HttpTransport, NOT_SENT_CODES, type HttpResponse, type TransportOptions } from './http.js';
import { requestToken, revokeToken, type Credentials } from './sso.js';
import { buildXml, parseXml, type XmlBody, type XmlNode } from './xml.js';

/** Connection settings for one engine. */
export interface OvirtClientOptions extends TransportOptions, Credentials {
  /** Engine URL: `https://engine` or the API URL `https://engine/ovirt-engine/api`. */
  readonly url: string;
  readonly retry?: RetryPolicy;
}

/** Query parameters (`search`, `follow`, `clone`...). */
export type Query = Readonly<Record<string, string | undefined>>;

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** Wraps an error that must not be retried, so withRetry passes it straight through. */
class NoRetry {
  constructor(readonly error: unknown) {}
}

/** Talks to one oVirt engine. */
export class OvirtClient {
  /** `https://engine/ovirt-engine/api`, without a trailing slash. */
  readonly apiUrl: string;
  private readonly origin: string;
  private readonly transport: HttpTransport;
  private readonly retry: RetryPolicy;
  private token: string | null = null;
  private login: Promise<string> | null = null;

  constructor(private readonly options: OvirtClientOptions) {
    const base = new URL(options.url);
    this.origin = base.origin;
    this.apiUrl = `${base.origin}/ovirt-engine/api`;
    this.transport = new HttpTransport(base, options);
    this.retry = options.retry ?? DEFAULT_RETRY;
  }

  /** GET a resource or collection; `path` is relative to the API root (`/vms/123`). */
  get(path: string, query?: Query): Promise<XmlNode> {
    return this.call('GET', path, undefined, query);
  }

  /** POST an entity (`root` is its element name) to a collection. */
  post(path: string, root: string, body: XmlBody, query?: Query): Promise<XmlNode> {
    return this.call('POST', path, buildXml(root, body), query);
  }

  /** POST an `<action>` to an action path (`/vms/1/start`); actions are safe to repeat. */
  action(path: string, body: XmlBody = {}): Promise<XmlNode> {
    return this.call('POST', path, buildXml('action', body), undefined, true);
  }

  /** PUT a partial entity: only the elements sent are changed. */
  put(path: string, root: string, body: XmlBody, query?: Query): Promise<XmlNode> {
    return this.call('PUT', path, buildXml(root, body), query);
  }

  /** DELETE a resource. */
  delete(path: string, query?: Query): Promise<XmlNode> {
    return this.call('DELETE', path, undefined, query);
  }

  /** Revokes the token (if any) and closes the sockets. */
  async close(): Promise<void> {
    const token = this.token;
    this.token = null;
    try {
      if (token) await revokeToken(this.transport, this.origin, token);
    } finally {
      this.transport.close();
    }
  }

  private async call(method: Method, path: string, body: string | undefined, query?: Query, action = false): Promise<XmlNode> {
    const url = new URL(`${this.apiUrl}${path}`);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
    const what = `${method} ${path}`;
    // A create POST that died mid-flight may have been executed: repeating it could make a
    // second VM, so only refusals the engine surely did not act on are retried for it.
    const mayRepeat = (err: unknown): boolean =>
      method !== 'POST' || action || (err instanceof HypervisorError && ['409', '503', ...NOT_SENT_CODES].includes(err.platformCode ?? ''));
    try {
      return await withRetry(async () => {
        try {
          return await this.once(method, url, body, what);
        } catch (err) {
          throw mayRepeat(err) ? err : new NoRetry(err);
        }
      }, this.retry);
    } catch (err) {
      throw err instanceof NoRetry ? err.error : err;
    }
  }

  private async once(method: Method, url: URL, body: string | undefined, what: string): Promise<XmlNode> {
    let res = await this.send(method, url, body, await this.bearer());
    if (res.status === 401) {
      // Expired or revoked token: the SDKs log in again once, then give up.
      this.token = null;
      res = await this.send(method, url, body, await this.bearer());
      if (res.status === 401) {
        throw new HvAuthError(`ovirt: ${what} refused with HTTP 401 after a fresh login as ${this.options.user}`, {
          platform: 'ovirt',
          platformCode: '401',
        });
      }
    }
    if (res.status >= 400) throw errorForStatus(res.status, parseFault(res.body), what);
    const doc = parseXml(res.body);
    // Some actions answer 200 with `<action><status>failed</status><fault>...`.
    const fault = faultOf(doc);
    if (fault && res.status < 300 && 'action' in doc) throw errorForStatus(400, fault, what);
    return doc;
  }

  private send(method: Method, url: URL, body: string | undefined, token: string): Promise<HttpResponse> {
    const headers: Record<string, string> = {
      Authorization: `Bearer ${token}`,
      Version: '4',
      Accept: 'application/xml',
    };
    if (body !== undefined) headers['Content-Type'] = 'application/xml';
    return this.transport.send({ method, url, headers, ...(body !== undefined ? { body } : {}) });
  }

  private async bearer(): Promise<string> {
    if (this.token) return this.token;
    // Concurrent calls share one login instead of each fetching a token.
    this.login ??= requestToken(this.transport, this.origin, this.options).finally(() => (this.login = null));
    this.token = await this.login;
    return this.token;
  }
}
