// The fake's HTTP front: /client/api by GET query or POST form, signature check as
// ApiServlet + ApiServer do it (401 with ExceptionResponse), injected transport failures,
// dispatch to the command handlers, and a record of every call.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { LIST_COMMANDS } from './commands-list.js';
import { VM_COMMANDS } from './commands-vm.js';
import { IMAGE_COMMANDS } from './commands-image.js';
import type { FakeCtx, Handler } from './context.js';
import { ApiErrorCode, compact, CsApiError, errorBody, responseName, UNAUTHORIZED_TEXT } from './protocol.js';
import { verifyRequest, type VerifyContext, type VerifyFailure } from './verify.js';

/** One request as the fake saw it, without the transport parameters (signature, apiKey, response, signatureVersion, expires). */
export interface RecordedCall {
  readonly command: string;
  readonly params: Readonly<Record<string, string>>;
  readonly method: 'GET' | 'POST';
  readonly status: number;
  /** Why the signature check refused it, when it did. */
  readonly authFailure?: VerifyFailure;
}

/** Every command the fake answers. */
export const COMMANDS: Record<string, Handler> = { ...LIST_COMMANDS, ...VM_COMMANDS, ...IMAGE_COMMANDS };

const TRANSPORT = new Set(['signature', 'apikey', 'response', 'signatureversion', 'expires']);
const JSON_TYPE = 'application/json; charset=UTF-8';
const MAX_BODY = 4 * 1024 * 1024;

/** What the front needs besides the handlers' context. */
export interface FrontOptions {
  readonly ctx: FakeCtx;
  readonly verify: VerifyContext;
  readonly calls: RecordedCall[];
  /** Pending injected transport failures (HTTP 429 or 503), each consumed by the next request (of its command, if it names one). */
  readonly injected: Array<{ status: 429 | 503; command?: string }>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) req.destroy(new Error('request body too large'));
      else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown, description?: string): void {
  const text = JSON.stringify(body);
  const headers: Record<string, string | number> = { 'content-type': JSON_TYPE, 'content-length': Buffer.byteLength(text) };
  if (description) headers['x-description'] = description;
  res.writeHead(status, headers).end(text);
}

/** Decodes the request parameters: the query first, then a form body (servlet order); first value wins. */
function decodeParams(url: URL, body: string, contentType: string | undefined): Map<string, string> {
  const params = new Map<string, string>();
  for (const [k, v] of url.searchParams) if (!params.has(k)) params.set(k, v);
  if (body && (contentType ?? '').startsWith('application/x-www-form-urlencoded')) {
    for (const [k, v] of new URLSearchParams(body)) if (!params.has(k)) params.set(k, v);
  }
  return params;
}

async function handle(o: FrontOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://fake');
  if (url.pathname !== '/client/api') return void res.writeHead(404).end();
  const method = req.method === 'POST' ? 'POST' : req.method === 'GET' ? 'GET' : null;
  if (!method) return void res.writeHead(405).end();
  const params = decodeParams(url, method === 'POST' ? await readBody(req) : '', req.headers['content-type']);
  const command = params.get('command') ?? '';
  const handler = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  const name = handler ? responseName(command) : 'errorresponse';
  const record = (status: number, authFailure?: VerifyFailure): void => {
    const shown: Record<string, string> = {};
    for (const [k, v] of params) if (!TRANSPORT.has(k.toLowerCase()) && k !== 'command') shown[k] = v;
    o.calls.push({ command, params: shown, method, status, ...(authFailure ? { authFailure } : {}) });
  };

  const at = o.injected.findIndex((x) => x.command === undefined || x.command === command);
  const injected = at < 0 ? undefined : o.injected.splice(at, 1)[0]!.status;
  if (injected === 503) {
    record(503);
    return void res.writeHead(503, { 'content-type': 'text/html' }).end('<html><body><h1>503 Service Unavailable</h1></body></html>');
  }
  if (injected === 429) {
    record(429);
    return send(res, 429, errorBody(name, ApiErrorCode.ApiLimitExceeded, 'The given user has reached his/her account api limit, please retry after 1000 ms.', 9999));
  }

  // unknown commands fail verifyRequest too, so they get the same 401
  const failure = handler ? verifyRequest(params, o.verify) : 'missing-command';
  if (failure) {
    record(401, failure);
    return send(res, 401, errorBody(name, ApiErrorCode.Unauthorized, UNAUTHORIZED_TEXT));
  }
  if (o.verify.enforcePostAndTimestamps && method === 'GET' && !/^(list|query)/.test(command)) {
    record(405);
    return send(res, 405, errorBody(name, 405, 'Please use HTTP POST to make API calls that modify resources'), 'use POST');
  }
  try {
    const body = handler!(params, o.ctx, command);
    record(200);
    send(res, 200, { [name]: compact(body) });
  } catch (err) {
    if (!(err instanceof CsApiError)) throw err;
    record(err.errorcode);
    send(res, err.errorcode, errorBody(name, err.errorcode, err.errortext, err.cserrorcode), err.errortext);
  }
}

/** Starts the HTTP front on 127.0.0.1 at an ephemeral port. */
export async function listen(o: FrontOptions): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    handle(o, req, res).catch((err: unknown) => {
      // a bug in the fake: answer 530 as CloudStack does for internal errors, and keep serving
      if (!res.headersSent) send(res, 530, errorBody('errorresponse', 530, `fake CloudStack internal error: ${(err as Error).message}`));
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const addr = server.address();
  if (!addr || typeof addr === 'string') throw new Error('fake CloudStack: no port');
  return { server, port: addr.port };
}
