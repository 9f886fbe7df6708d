import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import express from 'express';
import { createLogger } from '../../../../src/log/index.js';
import {
  engineScript,
  parseSequenceFile,
  renderSequence,
  sequenceDocumentSchema,
  sequenceRoutes,
  type SequenceEvent,
} from '../../../../src/builds/sequence/index.js';

const TOKEN = 'tok_9f8e7d6c5b4a3210';
const PASSWORD = 'Sh4re-P@ss!';
const at = '2026-11-22T01:02:03.456Z';
const doc = renderSequence(
  parseSequenceFile('name: t\nstages: [{name: lang, tasks: [{name: packs, uses: langpacks}, {name: seal, uses: sysprep}]}]\n'),
  { with: { langpacks: { packages: ['\\\\vizor\\media\\lp\\de-de\\lp.cab'], user: 'svc', password: PASSWORD } } },
);

describe('sequence callback routes (real HTTP on 127.0.0.1)', () => {
  const logged: string[] = [];
  const events: [string, SequenceEvent][] = [];
  let server: Server;
  let base = '';
  let noEngine = false;

  before(async () => {
    const log = createLogger('debug', new Writable({ write(chunk, _e, cb) { logged.push(String(chunk)); cb(); } }));
    const router = express.Router();
    sequenceRoutes(router, {
      resolve: (token) => (token === TOKEN ? { document: doc, engineScript: !noEngine } : null),
      onEvent: (token, event) => {
        if (event.message === 'explode') throw new Error('store is read-only');
        events.push([token, event]);
      },
      log,
    });
    const app = express();
    app.use(router);
    server = await new Promise<Server>((r) => { const s = app.listen(0, '127.0.0.1', () => r(s)); });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise((r) => server.close(r));
  });

  const post = (body: string, token = TOKEN, type = 'application/json; charset=utf-8') =>
    fetch(`${base}/callbacks/${token}/event`, { method: 'POST', headers: { 'content-type': type }, body });
  const event = (over: Record<string, unknown> = {}) => JSON.stringify({ id: 'e-1', stage: 'lang', task: 'packs', phase: 'log', attempt: 1, at, ...over });

  test('sequence.json is the rendered document, not cached', async () => {
    const res = await fetch(`${base}/callbacks/${TOKEN}/sequence.json`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const body: unknown = await res.json();
    assert.deepEqual(body, doc);
    assert.ok(sequenceDocumentSchema.safeParse(body).success);
  });

  test('vizor-sequence.ps1 is the engine as text; a target may turn it off', async () => {
    const res = await fetch(`${base}/callbacks/${TOKEN}/vizor-sequence.ps1`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; charset=utf-8/);
    assert.equal(await res.text(), engineScript());
    noEngine = true;
    try {
      assert.equal((await fetch(`${base}/callbacks/${TOKEN}/vizor-sequence.ps1`)).status, 404);
    } finally {
      noEngine = false;
    }
  });

  test('unknown and malformed tokens get 404 on every route, before any body is read', async () => {
    for (const token of ['tok_unknown_000000', 'x', 'has%20space-and-more']) {
      assert.equal((await fetch(`${base}/callbacks/${token}/sequence.json`)).status, 404);
      assert.equal((await fetch(`${base}/callbacks/${token}/vizor-sequence.ps1`)).status, 404);
      assert.equal((await post('{not json', token)).status, 404);
    }
    assert.equal(events.length, 0);
  });

  test('a valid event is passed on with 204, secrets scrubbed from its message', async () => {
    const res = await post(event({ message: `mapping \\\\vizor\\media with ${PASSWORD} for ${TOKEN}` }));
    assert.equal(res.status, 204);
    const [token, e] = events.at(-1)!;
    assert.equal(token, TOKEN);
    assert.equal(e.message, 'mapping \\\\vizor\\media with [redacted] for [redacted]');
    assert.equal(e.task, 'packs');
    const end = await post(event({ id: 'e-2', stage: 'sequence', task: undefined, phase: 'end', status: 'ok', attempt: 0 }));
    assert.equal(end.status, 204);
    assert.deepEqual(events.at(-1)![1], { id: 'e-2', stage: 'sequence', phase: 'end', status: 'ok', attempt: 0, at });
  });

  test('malformed events get 400 naming the problem; oversize 413; non-JSON 415', async () => {
    const bad = await post('{"stage": ');
    assert.equal(bad.status, 400);
    assert.equal(await bad.text(), 'vizor: event body is not valid JSON\n');
    const invalid = await post(event({ phase: 'end' }));
    assert.equal(invalid.status, 400);
    assert.equal(await invalid.text(), 'vizor: bad event: status: required when phase is "end"\n');
    const extra = await post(event({ password: PASSWORD }));
    assert.equal(extra.status, 400);
    assert.doesNotMatch(await extra.text(), /Sh4re/);
    assert.equal((await post(event({ message: 'x'.repeat(70 * 1024) }))).status, 413);
    assert.equal((await post(event(), TOKEN, 'text/plain')).status, 415);
    assert.equal((await post('[]')).status, 400);
  });

  test('a failing onEvent gets 500 and the server keeps serving', async () => {
    const res = await post(event({ message: 'explode' }));
    assert.equal(res.status, 500);
    assert.equal((await post(event({ id: 'e-3' }))).status, 204);
  });

  test('nothing logged carries a secret, the token or a document', async () => {
    await post(event({ message: `password is ${PASSWORD}` }));
    const all = logged.join('');
    assert.ok(logged.some((l) => l.includes('"msg":"sequence event"')), 'events are logged');
    assert.ok(!all.includes(PASSWORD), 'a password was logged');
    assert.ok(!all.includes(TOKEN), 'the token was logged');
    assert.ok(!all.includes('Add-Package'), 'a script was logged');
  });
});
