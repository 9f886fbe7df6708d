// Build gauges and stage durations read from a real store at scrape time.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import { Store, type BuildEvent } from '../../../src/store/index.js';
import { collectBuildMetrics, stageDurations } from '../../../src/metrics/index.js';
import { parseExposition, read } from './exposition.js';

function addBuild(store: Store, id: string) {
  return store.builds.add({ id, hypervisor: 'qemu', profile: 'p', isoId: 1, family: 'debian', spec: {}, token: `tok-${id}` });
}

const ev = (id: number, at: string, stage: string, kind = 'stage'): BuildEvent => ({ id, buildId: 'b', at, stage, kind, detail: {} });

describe('build metrics', () => {
  test('stage durations: seconds from one stage event to the next, labelled by the stage reached', () => {
    const got = stageDurations([
      ev(1, '2025-01-01T10:00:00.000Z', 'created'),
      ev(2, '2025-01-01T10:00:30.000Z', 'container'),
      ev(3, '2025-01-01T10:01:00.000Z', 'container', 'log'),
      ev(4, '2025-01-01T10:02:00.000Z', 'booting'),
      ev(5, '2025-01-01T10:12:00.500Z', 'installer'),
    ]);
    assert.deepEqual(got, [['container', 30], ['booting', 90], ['installer', 600.5]]);
    assert.deepEqual(stageDurations([ev(1, '2025-01-01T10:00:00.000Z', 'created')]), []);
  });

  test('builds by state are counted at scrape time, every state present', async () => {
    const store = Store.open(':memory:');
    const reg = new Registry();
    collectBuildMetrics(store, reg);
    assert.equal(await read(reg, 'vizor_builds', { state: 'running' }), 0);
    for (const id of ['a', 'b', 'c', 'd']) addBuild(store, id);
    store.builds.setState('b', 'failed', 'boom');
    store.builds.setState('c', 'done');
    const want: Record<string, number> = { running: 2, done: 1, failed: 1, cancelling: 0, cancelled: 0 };
    for (const [state, n] of Object.entries(want)) assert.equal(await read(reg, 'vizor_builds', { state }), n, state);
    store.builds.setState('a', 'cancelled');
    assert.equal(await read(reg, 'vizor_builds', { state: 'cancelled' }), 1);
    assert.equal(await read(reg, 'vizor_builds', { state: 'running' }), 1);
    store.close();
  });

  test('stage durations come from stored events, grow with new stages and keep finished builds', async () => {
    const store = Store.open(':memory:');
    const reg = new Registry();
    collectBuildMetrics(store, reg);
    addBuild(store, 'a');
    store.builds.setStage('a', 'container');
    store.builds.setStage('a', 'booting');
    assert.equal(await read(reg, 'vizor_build_stage_duration_seconds_count', { stage: 'container' }), 1);
    assert.equal(await read(reg, 'vizor_build_stage_duration_seconds_count', { stage: 'booting' }), 1);
    assert.equal(await read(reg, 'vizor_build_stage_duration_seconds_count', { stage: 'installer' }), 0);
    store.builds.setStage('a', 'installer');
    store.builds.setState('a', 'done');
    addBuild(store, 'b');
    store.builds.setStage('b', 'container');
    // Scraping twice must not double-count (the histogram is rebuilt, not added to).
    await reg.metrics();
    assert.equal(await read(reg, 'vizor_build_stage_duration_seconds_count', { stage: 'container' }), 2);
    assert.equal(await read(reg, 'vizor_build_stage_duration_seconds_count', { stage: 'installer' }), 1);
    const e = parseExposition(await reg.metrics());
    assert.equal(e.families.get('vizor_build_stage_duration_seconds')?.type, 'histogram');
    assert.equal(e.families.get('vizor_builds')?.type, 'gauge');
    store.close();
  });

  test('the returned function stops reporting the store; a closed store does not break a scrape', async () => {
    const one = Store.open(':memory:');
    const two = Store.open(':memory:');
    const reg = new Registry();
    const stopOne = collectBuildMetrics(one, reg);
    collectBuildMetrics(two, reg);
    addBuild(one, 'a');
    addBuild(two, 'b');
    assert.equal(await read(reg, 'vizor_builds', { state: 'running' }), 2);
    stopOne();
    assert.equal(await read(reg, 'vizor_builds', { state: 'running' }), 1);
    two.close();
    assert.equal(await read(reg, 'vizor_builds', { state: 'running' }), 0);
    one.close();
  });
});
