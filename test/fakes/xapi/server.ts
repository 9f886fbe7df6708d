import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Dispatcher } from './dispatch.js';
import { XapiFault, type FaultPlan } from './faults.js';

const MAX_BODY = 16 * 1024 * 1024;

/** What a host answers to a request it cannot parse: HTTP 500 with an HTML page. */
const MALFORMED_HTML =
  '<html><body><h1>HTTP 500 internal server error</h1>An unexpected error occurred; please wait a while and try again.</body></html>';

interface JsonRpcRequest {
  readonly v2: boolean;
  readonly id: string | number;
  readonly method: string;
  readonly params: unknown[];
}

/** Parses a JSON-RPC 1.0 or 2.0 request body; undefined when it is not one (no notifications). */
export function parseJsonRpc(body: string): JsonRpcRequest | undefined {
  let msg: unknown;
  try {
    msg = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof msg !== 'object' || msg === null) return undefined;
  const m = msg as Record<string, unknown>;
  const id = m['id'];
  if (typeof m['method'] !== 'string' || (typeof id !== 'string' && typeof id !== 'number')) return undefined;
  const params = m['params'] ?? [];
  if (!Array.isArray(params)) return undefined;
  return { v2: m['jsonrpc'] === '2.0', id, method: m['method'], params };
}

/** The JSON-RPC response for a result or a XAPI fault, in the request's protocol version. */
export function formatJsonRpc(req: JsonRpcRequest, outcome: { result: unknown } | { fault: XapiFault }): string {
  if ('fault' in outcome) {
    const { code, params } = outcome.fault;
    return JSON.stringify(
      req.v2
        ? { jsonrpc: '2.0', error: { code: 1, message: code, data: params }, id: req.id }
        : { result: null, error: [code, ...params], id: req.id },
    );
  }
  const result = outcome.result === undefined ? '' : outcome.result;
  return JSON.stringify(req.v2 ? { jsonrpc: '2.0', result, id: req.id } : { result, error: null, id: req.id });
}

/** The HTTP side of the fake: POST /jsonrpc on 127.0.0.1, everything else 404. */
export class XapiHttpServer {
  private readonly server: Server;
  private inflight = 0;
  private lastActivity = 0;
  private closing = false;

  constructor(
    private readonly dispatcher: Dispatcher,
    private readonly faults: FaultPlan,
  ) {
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  /** Listens on 127.0.0.1 on a free port; returns the base URL. */
  async listen(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  /**
   * Keeps answering (with Connection: close) until no request came for a short quiet
   * period, then stops listening and drops the sockets. Closing idle sockets at once
   * would race a client that is just sending its next request on one.
   */
  async close(maxMs = 1000, quietMs = 30): Promise<void> {
    this.closing = true;
    const deadline = Date.now() + maxMs;
    while (Date.now() < deadline && (this.inflight > 0 || Date.now() - this.lastActivity < quietMs)) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    // server.close() drops idle keep-alive sockets at once (Node ≥ 19): only now.
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.inflight++;
    this.lastActivity = Date.now();
    try {
      await this.answer(req, res);
      // Counted until the bytes are handed to the socket, so close() never cuts a reply short.
      if (!res.writableFinished && !res.destroyed) await new Promise((resolve) => res.once('close', resolve).once('finish', resolve));
    } finally {
      this.inflight--;
      this.lastActivity = Date.now();
    }
  }

  private async answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'POST' || path !== '/jsonrpc') {
      res.writeHead(404, { 'Content-Type': 'text/html' }).end('<html><body><h1>HTTP 404 not found</h1></body></html>');
      return;
    }
    const body = await readBody(req);
    const rpc = body === undefined ? undefined : parseJsonRpc(body);
    if (!rpc) {
      res.writeHead(500, { 'Content-Type': 'text/html' }).end(MALFORMED_HTML);
      return;
    }
    const drop = this.faults.takeDrop(rpc.method);
    if (drop === 'before') {
      this.dispatcher.note(rpc.method, rpc.params, 'CONNECTION_RESET');
      req.socket.destroy();
      return;
    }
    let text: string;
    try {
      text = formatJsonRpc(rpc, { result: await this.dispatcher.call(rpc.method, rpc.params) });
    } catch (err) {
      const fault = err instanceof XapiFault ? err : new XapiFault('INTERNAL_ERROR', [String((err as Error)?.message ?? err)]);
      text = formatJsonRpc(rpc, { fault });
    }
    if (res.destroyed) return;
    if (drop === 'after') {
      req.socket.destroy();
      return;
    }
    // The exact header matters: xen-api treats anything else as "JSON-RPC unsupported".
    const headers: Record<string, string | number> = { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) };
    if (this.closing) headers['Connection'] = 'close';
    res.writeHead(200, headers).end(text);
  }
}

function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        req.destroy();
        resolve(undefined);
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(undefined));
  });
}
