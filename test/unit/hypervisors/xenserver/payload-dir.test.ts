import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HvConfigError, HvRequestError } from '../../../../src/hypervisors/index.js';
import { checkPayloadName, removePayloadFile, writePayloadFile } from '../../../../src/hypervisors/xenserver/payload-dir.js';

/** A scratch folder with a source image and an (empty) library folder. */
function scratch(): { src: string; lib: string; root: string } {
  const root = mkdtempSync(join(tmpdir(), 'vizor-payload-dir-unit-'));
  const src = join(root, 'source.iso');
  writeFileSync(src, Buffer.from('payload with a domain password'), { mode: 0o644 });
  const lib = join(root, 'lib');
  return { src, lib, root };
}

describe('xenserver payloadDir files', () => {
  test('names an ISO SR lists are accepted; paths, hidden names and other extensions are refused', () => {
    for (const ok of ['seat-01-3fa9c2.iso', 'BOOT.IMG', 'a b.iso', 'x.Iso']) assert.equal(checkPayloadName(ok), ok);
    for (const bad of ['', '../escape.iso', 'a/b.iso', 'a\\b.iso', '.hidden.iso', 'seat.txt', 'vizor-payload-seat', 'nul\0.iso', `${'a'.repeat(252)}.iso`]) {
      assert.throws(() => checkPayloadName(bad), HvRequestError, JSON.stringify(bad));
    }
  });

  test('the copy is created 0600 whatever the umask, replaces an older one, and leaves no temporary file', async () => {
    const s = scratch();
    const old = process.umask(0);
    try {
      mkdirSync(s.lib);
      writeFileSync(join(s.lib, 'seat.iso'), 'older payload', { mode: 0o644 });
      const path = await writePayloadFile(s.lib, 'seat.iso', s.src);
      assert.equal(path, join(s.lib, 'seat.iso'));
      assert.equal(readFileSync(path, 'utf8'), 'payload with a domain password');
      assert.equal(statSync(path).mode & 0o777, 0o600);
      assert.deepEqual(readdirSync(s.lib), ['seat.iso']);
    } finally {
      process.umask(old);
      rmSync(s.root, { recursive: true, force: true });
    }
  });

  test('an unreadable source is a request error; a payloadDir that is missing or not a folder is a configuration error naming it', async () => {
    const s = scratch();
    try {
      await assert.rejects(writePayloadFile(s.root, 'seat.iso', join(s.root, 'missing.iso')), (e: unknown) => e instanceof HvRequestError && /missing\.iso: ENOENT/.test(e.message));
      await assert.rejects(writePayloadFile(s.root, 'seat.iso', s.root), (e: unknown) => e instanceof HvRequestError && /ENOTFILE/.test(e.message), 'a folder is not an image');
      await assert.rejects(writePayloadFile(s.lib, 'seat.iso', s.src), (e: unknown) => e instanceof HvConfigError && e.message.includes(`payloadDir ${s.lib}: ENOENT`));
      await assert.rejects(writePayloadFile(s.src, 'seat.iso', s.src), (e: unknown) => e instanceof HvConfigError && /ENOTDIR/.test(e.message) && /writable by vizor/.test(e.message));
      assert.deepEqual(readdirSync(s.root), ['source.iso'], 'no temporary file left after failures');
    } finally {
      rmSync(s.root, { recursive: true, force: true });
    }
  });

  test('removal is idempotent and only ever touches a plain image name inside payloadDir', async () => {
    const s = scratch();
    try {
      writeFileSync(join(s.root, 'seat.iso'), 'x');
      await removePayloadFile(s.root, 'seat.iso');
      await removePayloadFile(s.root, 'seat.iso');
      assert.deepEqual(readdirSync(s.root), ['source.iso']);
      await assert.rejects(removePayloadFile(join(s.root, 'sub'), '../source.iso'), HvRequestError);
      assert.deepEqual(readdirSync(s.root), ['source.iso']);
    } finally {
      rmSync(s.root, { recursive: true, force: true });
    }
  });
});
