/**
 * The HTTP(S) transport under the oVirt client: one keep-alive agent per driver, TLS
 * verification switchable per driver (engines often run on their own CA), network
 * failures turned into HvTransientError with the socket error code, and certificate
 * failures into HvConfigError (retrying cannot fix them).
 */
import http from 'node:http';
import https from 'node:https';
import { HvConfigError, HvTransientError } from '../errors.js';

/** TLS and timeout settings for one engine. */
export interface TransportOptions {
  /** Accept any server certificate (self-signed engine CA not installed here). */
  readonly allowUnauthorized?: boolean;
  /** PEM CA bundle to trust for the engine (e.g. /etc/pki/ovirt-engine/ca.pem). */
  readonly ca?: string | Buffer;
  /** Per-request socket timeout; default 120 s. */
  readonly timeoutMs?: number;
}

/** One HTTP exchange. */
export interface HttpRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

/** What came back. */
export interface HttpResponse {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

/** Socket errors after which the request was surely not processed (safe to repeat any call). */
export const NOT_SENT_CODES: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** Sends requests to one engine over a shared keep-alive agent. */
export class HttpTransport {
  private readonly agent: http.Agent;
  private readonly timeoutMs: number;

  constructor(private readonly base: URL, options: TransportOptions = {}) {
    if (base.protocol !== 'http:' && base.protocol !== 'https:') {
      throw new HvConfigError(`ovirt: url must be http(s), got ${base.protocol}`, { platform: 'ovirt' });
    }
    this.timeoutMs = options.timeoutMs ?? 120_000;
    this.agent =
      base.protocol === 'https:'
        ? new https.Agent({ keepAlive: true, rejectUnauthorized: !options.allowUnauthorized, ...(options.ca ? { ca: options.ca } : {}) })
        : new http.Agent({ keepAlive: true });
  }

  /** Performs one request; rejects with HvTransientError (socket) or HvConfigError (certificate). */
  send(req: HttpRequest): Promise<HttpResponse> {
    const mod = req.url.protocol === 'https:' ? https : http;
    const body = req.body === undefined ? undefined : Buffer.from(req.body, 'utf8');
    const headers: Record<string, string> = { ...req.headers };
    if (body) headers['Content-Length'] = String(body.length);
    return new Promise((resolve, reject) => {
      const r = mod.request(req.url, { method: req.method, headers, agent: this.agent, timeout: this.timeoutMs }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (err) => reject(networkError(req, err)));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks).toString('utf8') }),
        );
      });
      r.on('timeout', () => r.destroy(Object.assign(new Error(`no answer within ${this.timeoutMs} ms`), { code: 'ETIMEDOUT' })));
      r.on('error', (err) => reject(networkError(req, err)));
      r.end(body);
    });
  }

  /** The engine's origin, for messages. */
  get origin(): string {
    return this.base.origin;
  }

  /** Closes idle keep-alive sockets. */
  close(): void {
    this.agent.destroy();
  }
}

/** Certificate failures: retrying cannot help, the driver's TLS settings must change. */
const TLS_CODES: ReadonlySet<string> = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

function networkError(req: HttpRequest, err: Error & { code?: string }): HvTransientError | HvConfigError {
  const code = err.code ?? 'ENETWORK';
  if (TLS_CODES.has(code)) {
    return new HvConfigError(`ovirt: TLS to ${req.url.host} failed: ${code} (give the engine CA as ca, e.g. /etc/pki/ovirt-engine/ca.pem, or set allowUnauthorized)`, {
      platform: 'ovirt',
      platformCode: code,
      platformMessage: err.message,
      cause: err,
    });
  }
  // Only the path: query strings carry search terms, never secrets, but keep messages short.
  return new HvTransientError(`ovirt: ${req.method} ${req.url.pathname} on ${req.url.host} failed: ${code} (${err.message})`, {
    platform: 'ovirt',
    platformCode: code,
    platformMessage: err.message,
    cause: err,
  });
}
