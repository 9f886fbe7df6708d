// The HTTP front's request metrics and /metrics endpoint, over a real socket on 127.0.0.1:0.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import express from 'express';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { createHttpApp, listen } from '../../../src/server/http.js';
import { createMetrics, routeGroup, statusClass, type VizorMetrics } from '../../../src/metrics/index.js';
import { parseExposition, read, sampleValue } from './exposition.js';

describe('route groups and status classes', () => {
  const cases: [string, string][] = [
    ['/boot/ipxe', 'boot'], ['/boot/undionly.kpxe', 'boot'], ['/boot', 'boot'], ['/bootx', 'other'],
    ['/answers/tok/autounattend.xml', 'answers'], ['/media/3/setup.exe', 'media'], ['/api/v1/builds', 'api'],
    ['/metrics', 'other'], ['/healthz', 'other'], ['/', 'other'], ['/MEDIA/1/x', 'other'],
  ];
  for (const [path, group] of cases) test(`${path} → ${group}`, () => assert.equal(routeGroup(path), group));
  test('status classes', () => {
    assert.deepEqual([200, 206, 304, 404, 416, 500, 503, 99, 600].map(statusClass), ['2xx', '2xx', '3xx', '4xx', '4xx', '5xx', '5xx', 'other', 'other']);
  });
});

describe('HTTP metrics over a real server', () => {
  let server: Server;
  let base: string;
  let metrics: VizorMetrics;
  before(async () => {
    metrics = createMetrics(new Registry());
    const r = express.Router();
    r.get('/boot/ipxe', (_req, res) => void res.type('text/plain').send('#!ipxe\n'));
    r.get('/media/:id/*path', (_req, res) => void res.status(206).send('abc'));
    r.get('/answers/:t/boom', () => {
      throw new Error('handler bug');
    });
    server = await listen(createHttpApp([r], () => true, pino({ level: 'silent' }), metrics), '127.0.0.1', 0);
    const a = server.address();
    base = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  test('requests are counted by route group and status class and timed', async () => {
    for (let i = 0; i < 3; i++) assert.equal((await fetch(`${base}/boot/ipxe?mac=52:54:00:12:34:56`)).status, 200);
    assert.equal((await fetch(`${base}/media/1/setup.exe`)).status, 206);
    assert.equal((await fetch(`${base}/boot/missing.efi`)).status, 404);
    assert.equal((await fetch(`${base}/answers/t/boom`)).status, 500);
    assert.equal((await fetch(`${base}/api/v1/nothing`)).status, 404);
    const reg = metrics.registry;
    assert.equal(await read(reg, 'vizor_http_requests_total', { route: 'boot', status_class: '2xx' }), 3);
    assert.equal(await read(reg, 'vizor_http_requests_total', { route: 'boot', status_class: '4xx' }), 1);
    assert.equal(await read(reg, 'vizor_http_requests_total', { route: 'media', status_class: '2xx' }), 1);
    assert.equal(await read(reg, 'vizor_http_requests_total', { route: 'answers', status_class: '5xx' }), 1);
    assert.equal(await read(reg, 'vizor_http_requests_total', { route: 'api', status_class: '4xx' }), 1);
    assert.equal(await read(reg, 'vizor_http_request_duration_seconds_count', { route: 'boot' }), 4);
    assert.equal(await read(reg, 'vizor_http_request_duration_seconds_bucket', { route: 'boot', le: '+Inf' }), 4);
  });

  test('/metrics answers without credentials in the text format, with process metrics and valid lines', async () => {
    const res = await fetch(`${base}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const e = parseExposition(await res.text());
    for (const name of ['vizor_http_requests_total', 'vizor_dhcp_handling_duration_seconds', 'vizor_tftp_sent_bytes_total', 'process_cpu_user_seconds_total', 'nodejs_heap_size_used_bytes']) {
      assert.ok(e.families.get(name)?.help, `${name} has HELP`);
    }
    assert.equal(e.families.get('vizor_http_request_duration_seconds')?.type, 'histogram');
    assert.equal(e.families.get('vizor_http_requests_total')?.type, 'counter');
    // The scrape itself is counted once it finishes, so a second scrape sees the first.
    const again = parseExposition(await (await fetch(`${base}/metrics`)).text());
    assert.ok(sampleValue(again, 'vizor_http_requests_total', { route: 'other', status_class: '2xx' }) >= 1);
  });
});
