// A catalog scan observes vizor_catalog_scan_duration_seconds once, with its status.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { Store } from '../../../src/store/index.js';
import { scanSources } from '../../../src/catalog/index.js';
import { createMetrics } from '../../../src/metrics/index.js';
import { read } from './exposition.js';

describe('catalog scan metrics', () => {
  test('a finished scan is observed as done, a scan with an unreadable source as failed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vizor-scan-metrics-'));
    const store = Store.open(':memory:');
    const metrics = createMetrics(new Registry());
    const opts = { concurrency: 1, mountRoot: join(dir, 'mnt'), password: () => null, metrics: metrics.catalog };
    try {
      store.sources.add({ name: 'empty', url: `file://${dir}`, kind: 'file', secretName: null });
      const ok = await scanSources(store, store.sources.list(), opts);
      assert.equal(ok.failures.length, 0);
      const reg = metrics.registry;
      assert.equal(await read(reg, 'vizor_catalog_scan_duration_seconds_count', { status: 'done' }), 1);
      assert.equal(await read(reg, 'vizor_catalog_scan_duration_seconds_count', { status: 'failed' }), 0);
      store.sources.add({ name: 'gone', url: `file://${join(dir, 'no-such-folder')}`, kind: 'file', secretName: null });
      const bad = await scanSources(store, store.sources.list(), opts);
      assert.ok(bad.failures.some((f) => f.path === null), 'the missing folder fails its source');
      assert.equal(await read(reg, 'vizor_catalog_scan_duration_seconds_count', { status: 'failed' }), 1);
      assert.equal(await read(reg, 'vizor_catalog_scan_duration_seconds_count', { status: 'done' }), 1);
    } finally {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
