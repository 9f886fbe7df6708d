// The UI's static files over real HTTP: content types, the CSP and security headers,
// redirects, 404/405, no path escapes, and no inline script anywhere in ui/.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { request, type Server } from 'node:http';
import { join } from 'node:path';
import { pino } from 'pino';
import { createHttpApp, listen } from '../../src/server/http.js';
import { defaultUiRoot, UI_CSP, uiRouter } from '../../src/ui/index.js';

/** GET with the path sent exactly as given (fetch would normalise `..` away). */
function rawGet(base: string, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}/`, { path }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? files(join(dir, n)) : [join(dir, n)]));
}

describe('uiRouter', () => {
  let http: Server;
  let base: string;
  before(async () => {
    http = await listen(createHttpApp([uiRouter()], () => true, pino({ level: 'silent' })), '127.0.0.1', 0);
    base = `http://127.0.0.1:${(http.address() as { port: number }).port}`;
  });
  after(() => new Promise<void>((r) => http.close(() => r())));

  test('serves index.html, modules and styles with their content types and the CSP', async () => {
    for (const [path, type] of [['/ui/', 'text/html'], ['/ui/index.html', 'text/html'], ['/ui/js/app.js', 'text/javascript'], ['/ui/js/pages/builds.js', 'text/javascript'], ['/ui/css/app.css', 'text/css'], ['/ui/favicon.svg', 'image/svg+xml']] as const) {
      const res = await fetch(`${base}${path}`);
      assert.equal(res.status, 200, path);
      assert.equal(res.headers.get('content-type')?.split(';')[0], type, path);
      assert.equal(res.headers.get('content-security-policy'), UI_CSP, path);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff', path);
      assert.equal(res.headers.get('cache-control'), 'no-cache', path);
      assert.ok((await res.text()).length > 0, path);
    }
    assert.match(UI_CSP, /script-src 'self'(;|$)/, 'scripts only from vizor itself, never inline');
    assert.doesNotMatch(UI_CSP, /unsafe-inline|unsafe-eval/);
  });

  test('redirects / and /ui to /ui/', async () => {
    for (const path of ['/', '/ui']) {
      const res = await fetch(`${base}${path}`, { redirect: 'manual' });
      assert.ok(res.status === 301 || res.status === 302, `${path}: ${res.status}`);
      assert.equal(res.headers.get('location'), '/ui/');
    }
  });

  test('unknown files, unknown types, escapes and writes are refused', async () => {
    assert.equal((await fetch(`${base}/ui/nope.js`)).status, 404);
    for (const path of ['/ui/../package.json', '/ui/%2e%2e/package.json', '/ui/js/%2e%2e/%2e%2e/src/ui/router.ts', '/ui/..%2findex.html', '/ui/.hidden.js', '/ui/%2e%2e/dist/src/ui/router.js', '/ui/../dist/src/ui/index.js']) {
      assert.equal(await rawGet(base, path), 404, path);
    }
    assert.equal(await rawGet(base, '/ui/js/%2e%2e/index.html'), 200, 'a .. that stays inside ui/ is fine');
    const post = await fetch(`${base}/ui/index.html`, { method: 'POST' });
    assert.equal(post.status, 405);
    assert.equal(post.headers.get('allow'), 'GET, HEAD');
  });

  test('ui/ holds no inline script, no inline style and nothing from other hosts', () => {
    const all = files(defaultUiRoot());
    assert.ok(all.some((f) => f.endsWith('index.html')));
    for (const f of all.filter((x) => x.endsWith('.html'))) {
      const html = readFileSync(f, 'utf8');
      for (const m of html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)) {
        assert.match(m[0], /\ssrc="[^":]+"/, `${f}: every script has a local src`);
        assert.equal(m[1]!.trim(), '', `${f}: no inline script body`);
      }
      assert.doesNotMatch(html, /\son[a-z]+=|\sstyle=|<style/i, `${f}: no inline handlers or styles`);
    }
    for (const f of all.filter((x) => /\.(html|js|css)$/.test(x))) {
      assert.doesNotMatch(readFileSync(f, 'utf8'), /(src|href)=["']?(https?:)?\/\/|@import\s+url\(["']?https?:|\.innerHTML\s*=/i, `${f}: works offline and never sets innerHTML`);
    }
  });
});
