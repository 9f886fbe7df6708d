// /metrics on a real `startServer`: boot and media requests move the HTTP series and the
// media byte counter, the whole exposition parses, and nothing per-machine is labelled.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { startServer, type RunningServer } from '../../../src/server/index.js';
import { configSchema } from '../../../src/config/index.js';
import { scanSources, SourceService } from '../../../src/catalog/index.js';
import { SecretStore } from '../../../src/secrets/index.js';
import { isoFolder, tempApp } from '../../helpers/catalog.js';
import { testMediaDir } from '../../helpers/media.js';
import { parseExposition, sampleValue, type Exposition } from '../../unit/metrics/exposition.js';

const MAC = '52:54:00:6d:65:74';

describe('/metrics on a running vizor', () => {
  let server: RunningServer;
  let base: string;
  let isoId: number;
  const scrape = async (): Promise<{ text: string; e: Exposition }> => {
    const res = await fetch(`${base}/metrics`);
    assert.equal(res.status, 200, 'no credentials needed');
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4; charset=utf-8$/);
    const text = await res.text();
    return { text, e: parseExposition(text) };
  };

  before(async () => {
    const dir = await isoFolder({ 'win10.iso': 'win10.iso' });
    const app = tempApp();
    const parsed = configSchema.parse({ dataDir: app.dataDir, http: { host: '127.0.0.1' }, secrets: { keyFile: app.keyFile } });
    server = await startServer({ ...parsed, http: { ...parsed.http, port: 0 } }, pino({ level: 'silent' }));
    const sources = new SourceService(server.store, new SecretStore(server.store.secrets, app.keyFile), join(app.dataDir, 'mnt'));
    sources.add('lab', `file://${dir}`);
    await scanSources(server.store, server.store.sources.list(), { concurrency: 1, mountRoot: join(app.dataDir, 'mnt'), password: () => null });
    isoId = server.store.query.listIsos().find((i) => i.path === 'win10.iso')!.id;
    server.store.nodes.add({ mac: MAC, name: 'metrics-pc', task: { kind: 'local' } });
    base = `http://127.0.0.1:${server.httpPort}`;
  });
  after(async () => server?.stop());

  test('boot and media requests move the HTTP counters, latencies and media bytes', async () => {
    const setup = readFileSync(join(await testMediaDir(), 'trees/win10/setup.exe'));
    const before = (await scrape()).e;
    for (let i = 0; i < 5; i++) {
      const r = await fetch(`${base}/boot/ipxe?mac=${MAC}&buildarch=x86_64&platform=pcbios`);
      assert.equal(r.status, 200);
      assert.match(await r.text(), /^#!ipxe/);
    }
    for (let i = 0; i < 3; i++) {
      const r = await fetch(`${base}/media/${isoId}/setup.exe`);
      assert.equal(r.status, 200);
      assert.equal(Buffer.from(await r.arrayBuffer()).length, setup.length);
    }
    assert.equal((await fetch(`${base}/media/${isoId}/no-such-file`)).status, 404);
    assert.equal((await fetch(`${base}/boot/ipxe?mac=nope`)).status, 400);
    const now = (await scrape()).e;
    const delta = (name: string, labels: Record<string, string> = {}) => sampleValue(now, name, labels) - sampleValue(before, name, labels);
    assert.equal(delta('vizor_http_requests_total', { route: 'boot', status_class: '2xx' }), 5);
    assert.equal(delta('vizor_http_requests_total', { route: 'boot', status_class: '4xx' }), 1);
    assert.equal(delta('vizor_http_requests_total', { route: 'media', status_class: '2xx' }), 3);
    assert.equal(delta('vizor_http_requests_total', { route: 'media', status_class: '4xx' }), 1);
    assert.equal(delta('vizor_http_request_duration_seconds_count', { route: 'boot' }), 6);
    assert.equal(delta('vizor_http_request_duration_seconds_count', { route: 'media' }), 4);
    assert.equal(delta('vizor_http_media_sent_bytes_total'), 3 * setup.length);
    // The scrape before was itself counted when it finished.
    assert.ok(delta('vizor_http_requests_total', { route: 'other', status_class: '2xx' }) >= 1);
  });

  test('the exposition is valid: every line parses, every family has HELP and TYPE, process metrics included', async () => {
    const { text, e } = await scrape();
    const families = [...e.families.keys()];
    for (const [name, f] of e.families) {
      assert.ok(f.help.length > 0, `${name} HELP`);
      assert.ok(f.type.length > 0, `${name} TYPE`);
    }
    const want: Record<string, string> = {
      vizor_dhcp_received_packets_total: 'counter', vizor_dhcp_sent_packets_total: 'counter', vizor_dhcp_handled_packets_total: 'counter',
      vizor_dhcp_handling_duration_seconds: 'histogram', vizor_tftp_transfers_started_total: 'counter', vizor_tftp_transfers_completed_total: 'counter',
      vizor_tftp_transfers_failed_total: 'counter', vizor_tftp_sent_bytes_total: 'counter', vizor_tftp_transfer_duration_seconds: 'histogram',
      vizor_http_requests_total: 'counter', vizor_http_request_duration_seconds: 'histogram', vizor_http_media_sent_bytes_total: 'counter',
      vizor_catalog_scan_duration_seconds: 'histogram', process_cpu_seconds_total: 'counter', process_resident_memory_bytes: 'gauge',
    };
    for (const [name, type] of Object.entries(want)) assert.equal(e.families.get(name)?.type, type, name);
    assert.ok(families.some((n) => n.startsWith('nodejs_')), 'Node.js runtime metrics');
    // The scan in before() ran in this process, so it was observed.
    assert.ok(sampleValue(e, 'vizor_catalog_scan_duration_seconds_count', { status: 'done' }) >= 1);
    // Nothing per machine or per file: no MAC, no peer address, no path.
    assert.doesNotMatch(text, /52:54:00|127\.0\.0\.1|setup\.exe|win10/i);
    const labelNames = new Set(e.samples.filter((s) => s.name.startsWith('vizor_')).flatMap((s) => Object.keys(s.labels)));
    for (const l of labelNames) assert.ok(['le', 'outcome', 'reason', 'route', 'state', 'stage', 'status', 'status_class', 'type'].includes(l), `unexpected label ${l}`);
  });
});
