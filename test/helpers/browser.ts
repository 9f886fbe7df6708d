// Headless Chromium (Debian's package, driven by playwright-core) against a real vizor:
// startServer, which serves the boot endpoints, the API and the UI and runs the builds.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { TokenStore } from '../../src/api/index.js';
import { configSchema } from '../../src/config/index.js';
import { loadOrCreateKey, SecretStore } from '../../src/secrets/index.js';
import { startServer, type RunningServer } from '../../src/server/index.js';
import { DriverCache } from '../../src/server/drivers.js';
import { tempApp } from './catalog.js';

/** Where Debian's chromium package puts the browser. */
export const CHROMIUM = process.env.VIZOR_CHROMIUM ?? '/usr/bin/chromium';

// dist/test/helpers/browser.js or test/helpers/browser.ts: the repo root is two or three levels up.
const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '..', '..', ...(import.meta.url.includes('/dist/') ? ['..'] : []));

/** Folder the browser tests write their screenshots to. */
export const SCREENSHOT_DIR = join(repoRoot, 'test-output', 'screenshots');

/** Launches headless Chromium at 1280x800; fails naming the Debian package when it is missing. */
export async function launchChromium(): Promise<{ browser: Browser; page: Page }> {
  assert.ok(existsSync(CHROMIUM), `chromium not found at ${CHROMIUM}: install Debian's browser with apt-get install chromium`);
  // Running as root needs --no-sandbox; nothing but vizor's own pages on loopback is loaded.
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US', timezoneId: 'UTC' });
  return { browser, page: await context.newPage() };
}

/** Saves a full-page screenshot as test-output/screenshots/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string, log: (msg: string) => void = console.log): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  log(`screenshot: ${path}`);
  return path;
}

/** A running vizor with the web UI, and what tests need to poke it. */
export interface UiBench {
  readonly server: RunningServer;
  /** Base of the API + UI app (the UI is at `${base}/ui/`). */
  readonly base: string;
  /** Base of vizor's boot/media HTTP (what machines reach). */
  readonly boot: string;
  readonly dataDir: string;
  readonly keyFile: string;
  readonly tokens: TokenStore;
  readonly secrets: SecretStore;
  /** An admin-scope token. */
  readonly token: string;
  /** The open driver of a stored hypervisor. */
  driver(name: string): ReturnType<DriverCache['get']>;
  /** Calls the API with the admin token; fails on a non-2xx answer unless `expect` says otherwise. */
  api(method: string, path: string, body?: unknown, expect?: number): Promise<any>;
  close(): Promise<void>;
}

/** Options of the UI bench. */
export interface UiBenchOptions {
  /** The rooms folder (config rooms.dir); default: an empty one in the data dir. */
  readonly roomsDir?: string;
}

/** True when vizor's own HTTP app already serves the UI (uiRouter mounted in startServer). */
async function servesUi(base: string): Promise<boolean> {
  const res = await fetch(`${base}/ui/`).catch(() => null);
  await res?.arrayBuffer();
  return res?.status === 200 && (res.headers.get('content-security-policy') ?? '').includes("script-src 'self'");
}

/** Starts vizor (builds advanced every 100 ms); it must serve the UI itself, as `vizor serve` does. */
export async function uiBench(o: UiBenchOptions = {}): Promise<UiBench> {
  const app = tempApp();
  const roomsDir = o.roomsDir ?? join(app.dataDir, 'rooms.d');
  const parsed = configSchema.parse({
    dataDir: app.dataDir, http: { host: '127.0.0.1' }, secrets: { keyFile: app.keyFile }, builds: { tickMs: 100 }, rooms: { dir: roomsDir },
  });
  const server = await startServer({ ...parsed, http: { ...parsed.http, port: 0 } }, pino({ level: 'silent' }));
  const boot = `http://127.0.0.1:${server.httpPort}`;
  const log = pino({ level: 'silent' });
  const secrets = new SecretStore(server.store.secrets, app.keyFile);
  const drivers = new DriverCache(server.store, secrets, log);
  assert.ok(await servesUi(boot), 'vizor serve does not serve the web UI at /ui/ (uiRouter not mounted?)');
  const base = boot;
  const tokens = new TokenStore(server.store.db, () => loadOrCreateKey(app.keyFile));
  const token = tokens.create({ name: 'ui-test', scope: 'admin' }).token;
  return {
    server, base, boot, dataDir: app.dataDir, keyFile: app.keyFile, tokens, secrets, token,
    driver: (name) => drivers.get(name),
    async api(method, path, body, expect) {
      const res = await fetch(`${base}/api/v1/${path}`, {
        method, headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      if (expect !== undefined) assert.equal(res.status, expect, `${method} ${path}: ${text}`);
      else assert.ok(res.ok, `${method} ${path} answered ${res.status}: ${text}`);
      return text ? JSON.parse(text) : null;
    },
    async close() {
      await drivers.close();
      await server.stop();
    },
  };
}

/** Opens the UI and signs in with `token` through the sign-in form. */
export async function signIn(page: Page, base: string, token: string): Promise<void> {
  await page.goto(`${base}/ui/`);
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Use token' }).click();
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
}

/** Waits until the element's text matches `pattern` (the page polls the API on its own); fails with the last text seen. */
export async function waitForText(locator: Locator, pattern: RegExp, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = '(element not found)';
  for (;;) {
    const text = await locator.first().textContent({ timeout: Math.max(1000, deadline - Date.now()) }).catch(() => null);
    if (text !== null) last = text;
    if (text !== null && pattern.test(text)) return text;
    if (Date.now() > deadline) assert.fail(`waited ${timeoutMs} ms for ${pattern} in ${String(locator)}; last text: ${last.slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Polls `probe` until it returns a value (not undefined), failing after `timeoutMs` with `what`. */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
