import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startXapiFake, type XapiFake } from '../../../fakes/xapi/index.js';

type Rpc = { result?: unknown; error?: { message: string; data: unknown[] } };

/** One JSON-RPC 2.0 call against the fake, answer as sent. */
async function rpc(fake: XapiFake, method: string, params: unknown[]): Promise<Rpc> {
  const res = await fetch(`${fake.url}/jsonrpc`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }) });
  return (await res.json()) as Rpc;
}

/** A logged-in session and a call helper that throws on XAPI errors. */
async function session(fake: XapiFake): Promise<{ s: string; ok: (method: string, ...args: unknown[]) => Promise<unknown> }> {
  const s = String((await rpc(fake, 'session.login_with_password', [fake.user, fake.password])).result);
  const ok = async (method: string, ...args: unknown[]): Promise<unknown> => {
    const r = await rpc(fake, method, [s, ...args]);
    if (r.error) throw new Error(`${method}: ${r.error.message}(${r.error.data.join(', ')})`);
    return r.result;
  };
  return { s, ok };
}

/** The VDIs on an SR, by file name. */
const vdisOn = (fake: XapiFake, sr: string): Map<string, { ref: string; record: Record<string, unknown> }> =>
  new Map(fake.all('VDI').filter((v) => v.record['SR'] === sr).map((v) => [String(v.record['location']), v]));

describe('XAPI fake: ISO SR folders and SR.scan', () => {
  test('every ISO SR has a folder holding its seeded images; srDir takes a name, uuid or ref; disk SRs have none', async () => {
    const fake = await startXapiFake();
    const dir = fake.srDir('ISO library');
    try {
      assert.equal(statSync(join(dir, 'installer.iso')).size, 700 * 1024 ** 2, 'the seeded ISO is a (sparse) file of its virtual_size');
      assert.equal(fake.srDir(fake.inventory.isoSr), dir);
      assert.equal(fake.srDir(String(fake.record(fake.inventory.isoSr)!['uuid'])), dir);
      assert.ok(existsSync(join(fake.srDir('XCP-ng Tools'), 'guest-tools.iso')));
      assert.throws(() => fake.srDir('Local storage'), /no ISO SR/);
    } finally {
      await fake.close();
    }
    assert.equal(existsSync(dir), false, 'close removes the folders');
  });

  test('SR.scan introduces new images as read-only user VDIs named after the file; other names are ignored', async () => {
    const fake = await startXapiFake();
    try {
      const { ok } = await session(fake);
      const dir = fake.srDir('ISO library');
      writeFileSync(join(dir, 'seat-01.iso'), Buffer.alloc(6144, 1));
      writeFileSync(join(dir, 'BOOT.IMG'), Buffer.alloc(1440 * 1024));
      writeFileSync(join(dir, '4f1c2f6e-0d6b-4c5e-9a57-3f0e6c7b8a91.iso'), Buffer.alloc(2048));
      writeFileSync(join(dir, 'notes.txt'), 'not an image');
      writeFileSync(join(dir, '.seat-02.iso.0a1b.part'), 'half written');
      mkdirSync(join(dir, 'folder.iso'));
      assert.equal(await ok('SR.scan', fake.inventory.isoSr), '');
      const vdis = vdisOn(fake, fake.inventory.isoSr);
      assert.deepEqual([...vdis.keys()].sort(), ['4f1c2f6e-0d6b-4c5e-9a57-3f0e6c7b8a91.iso', 'BOOT.IMG', 'installer.iso', 'seat-01.iso']);
      const seat = vdis.get('seat-01.iso')!.record;
      assert.deepEqual(
        [seat['name_label'], seat['type'], seat['read_only'], seat['virtual_size'], seat['physical_utilisation'], seat['is_tools_iso']],
        ['seat-01.iso', 'user', true, 6144, 6144, false],
      );
      assert.ok((fake.record(fake.inventory.isoSr)!['VDIs'] as string[]).includes(vdis.get('seat-01.iso')!.ref), 'linked into SR.VDIs');
      assert.equal(vdis.get('4f1c2f6e-0d6b-4c5e-9a57-3f0e6c7b8a91.iso')!.record['uuid'], '4f1c2f6e-0d6b-4c5e-9a57-3f0e6c7b8a91', 'a <uuid>.iso keeps its uuid');
      const before = vdis.get('installer.iso')!;
      await ok('SR.scan', fake.inventory.isoSr);
      assert.equal(vdisOn(fake, fake.inventory.isoSr).get('installer.iso')!.ref, before.ref, 'a rescan keeps existing VDIs');
      assert.equal(vdisOn(fake, fake.inventory.isoSr).size, 4, 'and adds nothing twice');
      assert.ok(fake.calls.some((c) => c.method === 'SR.scan' && c.params[0] === fake.inventory.isoSr), 'the call is recorded');
    } finally {
      await fake.close();
    }
  });

  test('a vanished file: its VDI is destroyed (del event, SR mod) and a CD drive holding it goes empty; a grown file is resized', async () => {
    const fake = await startXapiFake();
    try {
      const { ok } = await session(fake);
      const dir = fake.srDir('ISO library');
      const vdi = fake.addIso('seat-01.iso');
      writeFileSync(join(dir, 'installer.iso'), Buffer.alloc(4096));
      const vm = fake.inventory.foreignVm;
      const vbd = String(await ok('VBD.create', { VM: vm, VDI: vdi, userdevice: '3', bootable: false, mode: 'RO', type: 'CD', empty: false, other_config: {}, qos_algorithm_type: '', qos_algorithm_params: {} }));
      const token = await ok('event.inject', 'pool', fake.inventory.pool);
      rmSync(join(dir, 'seat-01.iso'));
      await ok('SR.scan', fake.inventory.isoSr);
      assert.equal(fake.record(vdi), undefined);
      assert.deepEqual([fake.record(vbd)!['empty'], fake.record(vbd)!['VDI']], [true, 'OpaqueRef:NULL']);
      assert.equal(vdisOn(fake, fake.inventory.isoSr).get('installer.iso')!.record['virtual_size'], 4096);
      const r = (await ok('event.from', ['VDI', 'SR', 'VBD'], token, 5.0)) as { events: Array<{ class: string; operation: string; ref: string }> };
      const seen = r.events.map((e) => `${e.class} ${e.operation} ${e.ref === vdi ? 'seat' : e.ref === vbd ? 'cd' : e.ref === fake.inventory.isoSr ? 'sr' : 'other'}`);
      assert.ok(seen.includes('vdi del seat'), seen.join('; '));
      assert.ok(seen.includes('vbd mod cd'));
      assert.ok(seen.includes('sr mod sr'));
      assert.ok(seen.indexOf('vbd mod cd') < seen.indexOf('vdi del seat'), 'the drive lets go before the VDI goes');
    } finally {
      await fake.close();
    }
  });

  test('Async.SR.scan runs in a task; HANDLE_INVALID for no SR, SR_BACKEND_FAILURE_47 for a lost folder; disk SRs scan to no change', async () => {
    const fake = await startXapiFake();
    try {
      const { s, ok } = await session(fake);
      writeFileSync(join(fake.srDir('ISO library'), 'async.iso'), Buffer.alloc(1024));
      const task = String(await ok('Async.SR.scan', fake.inventory.isoSr));
      for (let i = 0; i < 200 && fake.record(task)!['status'] === 'pending'; i++) await new Promise((r) => setTimeout(r, 5));
      assert.equal(fake.record(task)!['status'], 'success');
      assert.ok(vdisOn(fake, fake.inventory.isoSr).has('async.iso'));

      const gone = await rpc(fake, 'SR.scan', [s, 'OpaqueRef:no-such-sr']);
      assert.deepEqual([gone.error?.message, gone.error?.data], ['HANDLE_INVALID', ['SR', 'OpaqueRef:no-such-sr']]);
      const vdiCount = fake.all('VDI').length;
      assert.equal(await ok('SR.scan', fake.inventory.localSr), '');
      assert.equal(fake.all('VDI').length, vdiCount, 'a disk SR scan changes nothing');

      rmSync(fake.srDir('ISO library'), { recursive: true });
      const lost = await rpc(fake, 'SR.scan', [s, fake.inventory.isoSr]);
      assert.equal(lost.error?.message, 'SR_BACKEND_FAILURE_47');
      assert.match(String(lost.error?.data[1]), /The SR is not available \[opterr=no such directory .+\]/);
      const failed = String(await ok('Async.SR.scan', fake.inventory.isoSr));
      for (let i = 0; i < 200 && fake.record(failed)!['status'] === 'pending'; i++) await new Promise((r) => setTimeout(r, 5));
      assert.equal((fake.record(failed)!['error_info'] as string[])[0], 'SR_BACKEND_FAILURE_47');
      assert.ok(vdisOn(fake, fake.inventory.isoSr).has('installer.iso'), 'a failed scan forgets nothing');
    } finally {
      await fake.close();
    }
  });
});
