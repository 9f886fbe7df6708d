// A real vizor HTTP app with the API router mounted, on a real store in a temp data dir,
// listening on 127.0.0.1:0. Every response body and log line is kept so tests can prove
// that no secret ever leaves the API.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { apiRouter, ScanJobs, TokenStore } from '../../../src/api/index.js';
import { createHttpApp, listen } from '../../../src/server/http.js';
import { DriverCache } from '../../../src/server/drivers.js';
import { createLogger } from '../../../src/log/index.js';
import { loadOrCreateKey, SecretStore } from '../../../src/secrets/index.js';
import { scanSources, SourceService } from '../../../src/catalog/index.js';
import { Store } from '../../../src/store/index.js';
import { isoFolder, tempApp } from '../../helpers/catalog.js';

/** One answer, parsed. */
export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly body: any;
}

/** A running API and its test hooks. */
export interface ApiBench {
  readonly base: string;
  readonly store: Store;
  readonly secrets: SecretStore;
  readonly tokens: TokenStore;
  readonly scans: ScanJobs;
  /** Tokens with admin and read scope. */
  readonly admin: string;
  readonly reader: string;
  readonly dataDir: string;
  readonly bootDir: string;
  /** Every response body and log line so far. */
  readonly seen: string[];
  readonly logs: string[];
  /** Calls the API; `token` defaults to the admin token (null sends none). */
  call(method: string, path: string, o?: { token?: string | null; body?: unknown; raw?: string; headers?: Record<string, string> }): Promise<Answer>;
  /** Catalogs ISOs (fixture names from the test media) under source "lab"; returns id by file name. */
  catalog(files: Record<string, string>): Promise<Record<string, number>>;
  /** Fails when any secret appears in a response body or a log line. */
  assertNoLeak(secrets: readonly string[]): void;
  close(): Promise<void>;
}

/** Starts the API on a fresh store (or the given data dir); responses are checked against their schemas ('throw'). */
export async function apiBench(dirs?: { dataDir: string; keyFile: string }, extra: { roomsDir?: string } = {}): Promise<ApiBench> {
  const app = dirs ?? tempApp();
  const store = Store.open(join(app.dataDir, 'vizor.db'));
  const bootDir = join(app.dataDir, 'boot');
  mkdirSync(bootDir, { recursive: true });
  const logs: string[] = [];
  const log = createLogger('debug', { write: (s: string) => void logs.push(s) });
  const secrets = new SecretStore(store.secrets, app.keyFile);
  const drivers = new DriverCache(store, secrets, log);
  const mountRoot = join(app.dataDir, 'mnt');
  const scans = new ScanJobs({ store, log, concurrency: 2, mountRoot, smbClient: 'auto', password: (n) => secrets.get(n) });
  const router = apiRouter({
    store, keyFile: app.keyFile, log, driver: (n) => drivers.get(n), mountRoot, scanConcurrency: 2, bootFilesDir: bootDir, scans, responseCheck: 'throw',
    ...(extra.roomsDir ? { rooms: { dir: extra.roomsDir, payloadRoot: join(app.dataDir, 'payloads'), reportBase: null } } : {}),
  });
  const http: Server = await listen(createHttpApp([router], () => true, log), '127.0.0.1', 0);
  const port = (http.address() as { port: number }).port;
  const base = `http://127.0.0.1:${port}`;
  const tokens = new TokenStore(store.db, () => loadOrCreateKey(app.keyFile));
  const admin = tokens.create({ name: 'test-admin', scope: 'admin' }).token;
  const reader = tokens.create({ name: 'test-reader', scope: 'read' }).token;
  const seen: string[] = [];

  return {
    base, store, secrets, tokens, scans, admin, reader, dataDir: app.dataDir, bootDir, seen, logs,
    async call(method, path, o = {}) {
      const token = o.token === undefined ? admin : o.token;
      const headers: Record<string, string> = { ...(token ? { authorization: `Bearer ${token}` } : {}), ...o.headers };
      let body: string | undefined = o.raw;
      if (o.body !== undefined) {
        body = JSON.stringify(o.body);
        headers['content-type'] ??= 'application/json';
      }
      const res = await fetch(`${base}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
      const text = await res.text();
      seen.push(text);
      const isJson = (res.headers.get('content-type') ?? '').includes('application/json');
      return { status: res.status, headers: res.headers, text, body: isJson && text ? JSON.parse(text) : undefined };
    },
    async catalog(files) {
      const dir = await isoFolder(files);
      new SourceService(store, secrets, mountRoot).add('lab', `file://${dir}`);
      await scanSources(store, store.sources.list().filter((s) => s.name === 'lab'), { concurrency: 2, mountRoot, password: () => null });
      return Object.fromEntries(store.query.listIsos({ source: 'lab' }).map((i) => [i.path, i.id]));
    },
    assertNoLeak(list) {
      assert.ok(seen.length > 0, 'responses were recorded');
      for (const s of list) {
        assert.ok(s.length >= 6, `secret "${s.slice(0, 2)}…" is long enough to search for`);
        for (const [i, text] of seen.entries()) assert.ok(!text.includes(s), `response #${i} contains a secret: ${text.slice(0, 300)}`);
        for (const line of logs) assert.ok(!line.includes(s), `a log line contains a secret: ${line.slice(0, 300)}`);
      }
      for (const line of logs) assert.doesNotMatch(line, /bearer /i, 'no log line carries an Authorization header');
    },
    async close() {
      await new Promise<void>((r) => {
        http.close(() => r());
        http.closeAllConnections();
      });
      await scans.idle();
      await drivers.close();
      store.close();
    },
  };
}
