// Sources and the catalog over the API: add/list/show/test/remove, a background scan
// (202 + progress), ISO and edition queries, validation errors naming their field, 404s.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isoFolder } from '../../helpers/catalog.js';
import { ScanRunningError } from '../../../src/api/errors.js';
import { apiBench, type ApiBench } from './harness.js';

const SMB_PASSWORD = 'smb-Pa55word-never-shown';

describe('API: sources and catalog', () => {
  let b: ApiBench;
  let dir: string;
  before(async () => {
    b = await apiBench();
    dir = await isoFolder({ 'debian.iso': 'debian-netinst.iso', 'win/win10.iso': 'win10.iso' });
  });
  after(() => b?.close());

  test('add, list, show and test a source; the SMB password is write-only', async () => {
    const added = await b.call('POST', '/api/v1/sources', { body: { name: 'lab', url: `file://${dir}` } });
    assert.equal(added.status, 201);
    assert.equal(added.headers.get('location'), '/api/v1/sources/lab');
    assert.equal(added.body.kind, 'file');
    assert.equal(added.body.hasSecret, false);
    const smb = await b.call('POST', '/api/v1/sources', { body: { name: 'fs1', url: 'smb://CORP;svc@fs1.invalid/Media', password: SMB_PASSWORD } });
    assert.equal(smb.status, 201);
    assert.equal(smb.body.hasSecret, true);
    assert.equal(b.secrets.get('source:fs1'), SMB_PASSWORD, 'stored encrypted, readable with the key');
    const list = await b.call('GET', '/api/v1/sources', { token: b.reader });
    assert.deepEqual(list.body.map((s: { name: string }) => s.name), ['fs1', 'lab']);
    const shown = await b.call('GET', '/api/v1/sources/lab');
    assert.deepEqual([shown.body.isos, shown.body.missing], [0, 0]);
    const probe = await b.call('POST', '/api/v1/sources/lab/test');
    assert.equal(probe.status, 200);
    assert.deepEqual([probe.body.ok, probe.body.isos], [true, 2]);
  });

  test('source validation: each bad field is named; duplicates 409; unknown 404', async () => {
    const missing = await b.call('POST', '/api/v1/sources', { body: { url: 'file:///tmp' } });
    assert.equal(missing.status, 400);
    assert.equal(missing.body.error.code, 'VALIDATION');
    assert.equal(missing.body.error.field, 'name');
    const stray = await b.call('POST', '/api/v1/sources', { body: { name: 'x', url: 'file:///tmp', pasword: 'typo' } });
    assert.equal(stray.body.error.field, 'pasword', 'an unknown field is refused, not ignored');
    const badName = await b.call('POST', '/api/v1/sources', { body: { name: '-bad', url: 'file:///tmp' } });
    assert.equal(badName.body.error.field, 'name');
    const badUrl = await b.call('POST', '/api/v1/sources', { body: { name: 'x', url: 'ftp://host/isos' } });
    assert.equal(badUrl.status, 400);
    assert.equal(badUrl.body.error.code, 'SOURCE_URL');
    const dup = await b.call('POST', '/api/v1/sources', { body: { name: 'lab', url: `file://${dir}` } });
    assert.equal(dup.status, 409);
    assert.equal(dup.body.error.code, 'ALREADY_EXISTS');
    for (const p of ['/api/v1/sources/nope', '/api/v1/catalog/isos/999999', '/api/v1/catalog/scans/424242']) {
      const nf = await b.call('GET', p);
      assert.equal(nf.status, 404, p);
      assert.equal(nf.body.error.code, 'NOT_FOUND');
    }
    assert.equal((await b.call('POST', '/api/v1/sources/nope/test')).status, 404);
    const badScan = await b.call('POST', '/api/v1/catalog/scans', { body: { concurrency: 0 } });
    assert.equal(badScan.body.error.field, 'concurrency');
    assert.equal((await b.call('POST', '/api/v1/catalog/scans', { body: { sources: ['nope'] } })).status, 404);
    const badQuery = await b.call('GET', '/api/v1/catalog/editions?build=abc');
    assert.equal(badQuery.status, 400);
    assert.equal(badQuery.body.error.field, 'build');
  });

  test('a scan answers 202 at once and reports progress until done', async () => {
    const started = await b.call('POST', '/api/v1/catalog/scans', { body: { sources: ['lab'] } });
    assert.equal(started.status, 202);
    const id = started.body.id as number;
    assert.equal(started.headers.get('location'), `/api/v1/catalog/scans/${id}`);
    assert.equal(started.body.status, 'running');
    let s = started.body;
    for (let i = 0; s.status === 'running' && i < 600; i++) {
      await new Promise((r) => setTimeout(r, 50));
      s = (await b.call('GET', `/api/v1/catalog/scans/${id}`, { token: b.reader })).body;
    }
    assert.equal(s.status, 'done');
    assert.deepEqual([s.found, s.processed, s.counts.new], [2, 2, 2]);
    assert.ok(s.counts.bytesRead > 0);
    const runs = await b.call('GET', '/api/v1/catalog/scans?limit=5');
    assert.equal(runs.body[0].id, id);
  });

  test('ISOs and editions: list with filters, show by id and by source:path', async () => {
    const isos = (await b.call('GET', '/api/v1/catalog/isos?source=lab')).body as { id: number; path: string; kind: string }[];
    assert.deepEqual(isos.map((i) => i.path).sort(), ['debian.iso', 'win/win10.iso']);
    const win = isos.find((i) => i.path === 'win/win10.iso')!;
    assert.equal(win.kind, 'windows-install');
    const byKind = await b.call('GET', '/api/v1/catalog/isos?kind=windows-install');
    assert.deepEqual(byKind.body.map((i: { id: number }) => i.id), [win.id]);
    const detail = await b.call('GET', `/api/v1/catalog/isos/${win.id}`);
    assert.ok(detail.body.editionList.length > 0);
    const byPath = await b.call('GET', `/api/v1/catalog/isos/${encodeURIComponent('lab:win/win10.iso')}`);
    assert.equal(byPath.body.id, win.id);
    const edition = detail.body.editionList[0];
    const found = await b.call('GET', `/api/v1/catalog/editions?editionId=${encodeURIComponent(edition.editionId)}&arch=${edition.arch}`);
    assert.ok(found.body.length >= 1);
    assert.ok(found.body.every((e: { editionId: string }) => e.editionId.toLowerCase() === edition.editionId.toLowerCase()));
    assert.deepEqual((await b.call('GET', '/api/v1/catalog/editions?editionId=NoSuchEdition')).body, []);
  });

  test('one scan at a time: a second start while one runs is refused', () => {
    const lab = b.store.sources.get('lab');
    const first = b.scans.start([lab]);
    assert.throws(() => b.scans.start([lab]), (err: unknown) => err instanceof ScanRunningError && err.message.includes(String(first.id)));
  });

  test('removing a source removes its ISOs and its stored password', async () => {
    await b.scans.idle();
    assert.equal((await b.call('DELETE', '/api/v1/sources/fs1')).status, 204);
    assert.equal(b.secrets.get('source:fs1'), null);
    assert.equal((await b.call('DELETE', '/api/v1/sources/lab')).status, 204);
    assert.deepEqual((await b.call('GET', '/api/v1/catalog/isos?includeMissing=true')).body, []);
    assert.equal((await b.call('GET', '/api/v1/sources/lab')).status, 404);
  });

  test('no secret in any response or log line', () => {
    b.assertNoLeak([SMB_PASSWORD, b.admin, b.reader]);
  });
});
