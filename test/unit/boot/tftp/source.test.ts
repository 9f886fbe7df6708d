import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { netasciiSize, toNetascii } from '../../../../src/boot/tftp/netascii.js';
import { bufferSource, fileSource, lastBlockFor, netasciiFileSize, netasciiFileSource, type BlockSource } from '../../../../src/boot/tftp/source.js';

describe('netascii', () => {
  const cases: [string, string][] = [
    ['', ''],
    ['abc', 'abc'],
    ['a\nb', 'a\r\nb'],
    ['a\rb', 'a\r\0b'],
    ['a\r\nb', 'a\r\0\r\nb'],
    ['\n\n', '\r\n\r\n'],
    ['\r', '\r\0'],
    ['\0', '\0'],
  ];
  for (const [raw, want] of cases) {
    test(`${JSON.stringify(raw)} → ${JSON.stringify(want)}`, () => {
      const got = toNetascii(Buffer.from(raw, 'latin1'));
      assert.equal(got.toString('latin1'), want);
      assert.equal(netasciiSize(Buffer.from(raw, 'latin1')), want.length);
    });
  }
});

describe('lastBlockFor', () => {
  const cases: [number, number, number][] = [
    [0, 512, 1],
    [511, 512, 1],
    [512, 512, 2],
    [513, 512, 2],
    [1468 * 3, 1468, 4],
    [40 * 2 ** 20, 512, 81921],
  ];
  for (const [size, bs, want] of cases) test(`${size} bytes at ${bs}: ${want} blocks`, () => assert.equal(lastBlockFor(size, bs), want));
});

async function readAll(src: BlockSource, blksize: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  for (let i = 1; i <= lastBlockFor(src.size, blksize); i++) parts.push(Buffer.from(await src.block(i)));
  return Buffer.concat(parts);
}

describe('block sources', () => {
  let dir: string;
  const data = randomBytes(300_001);
  const text = Buffer.from('line one\nline two\r\n'.repeat(20_000) + 'end\r');
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'vizor-tftp-src-'));
    writeFileSync(join(dir, 'bin'), data);
    writeFileSync(join(dir, 'text'), text);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const blksize of [8, 512, 1468, 65464]) {
    test(`fileSource at blksize ${blksize} reads the file exactly, also out of order`, async () => {
      const src = fileSource(await open(join(dir, 'bin')), data.length, blksize);
      assert.deepEqual(await readAll(src, blksize), data);
      assert.deepEqual(Buffer.from(await src.block(2)), data.subarray(blksize, 2 * blksize));
      await src.close();
    });
  }

  test('bufferSource translates netascii up front', async () => {
    const src = bufferSource(Buffer.from('a\nb'), 512, true);
    assert.equal(src.size, 4);
    assert.equal((await src.block(1)).toString(), 'a\r\nb');
  });

  test('netasciiFileSource matches toNetascii and re-serves the window', async () => {
    const handle = await open(join(dir, 'text'));
    const size = await netasciiFileSize(handle, text.length);
    const want = toNetascii(text);
    assert.equal(size, want.length);
    const src = netasciiFileSource(handle, text.length, size, 1468, 4);
    assert.deepEqual(await src.block(1), want.subarray(0, 1468));
    await src.block(2);
    await src.block(3);
    assert.deepEqual(await src.block(2), want.subarray(1468, 2936)); // a window restart
    const rest = [await src.block(1), await src.block(2), await src.block(3)];
    for (let i = 4; i <= lastBlockFor(size, 1468); i++) rest.push(Buffer.from(await src.block(i)));
    assert.deepEqual(Buffer.concat(rest), want);
    await assert.rejects(Promise.resolve().then(() => src.block(1)), /requested after/); // evicted: not in the window
    await src.close();
  });
});
