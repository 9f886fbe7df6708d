import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { TftpOption } from '../../../../src/boot/tftp/codec.js';
import { negotiate, parseOptions, type NegotiationPolicy, type RequestedOptions } from '../../../../src/boot/tftp/options.js';

describe('parseOptions', () => {
  const cases: { name: string; options: TftpOption[]; want: Partial<RequestedOptions> }[] = [
    { name: 'none', options: [], want: { order: [], ignored: [] } },
    {
      name: 'all four, names case-insensitive',
      options: [['TSIZE', '0'], ['BlkSize', '1468'], ['timeout', '3'], ['windowsize', '16']],
      want: { tsize: 0, blksize: 1468, timeout: 3, windowsize: 16, order: ['tsize', 'blksize', 'timeout', 'windowsize'], ignored: [] },
    },
    { name: 'blksize minimum 8', options: [['blksize', '8']], want: { blksize: 8, order: ['blksize'] } },
    { name: 'blksize 7 ignored (RFC 2348)', options: [['blksize', '7']], want: { order: [], ignored: ['blksize=7'] } },
    { name: 'blksize above 65464 kept for capping', options: [['blksize', '70000']], want: { blksize: 70000, order: ['blksize'] } },
    { name: 'non-decimal blksize ignored', options: [['blksize', '1e3']], want: { order: [], ignored: ['blksize=1e3'] } },
    { name: 'negative value ignored', options: [['blksize', '-512']], want: { order: [], ignored: ['blksize=-512'] } },
    { name: 'empty value ignored', options: [['tsize', '']], want: { order: [], ignored: ['tsize='] } },
    { name: 'absurdly long number ignored', options: [['tsize', '123456789012']], want: { order: [], ignored: ['tsize=123456789012'] } },
    { name: 'timeout 0 ignored (RFC 2349: 1..255)', options: [['timeout', '0']], want: { order: [], ignored: ['timeout=0'] } },
    { name: 'timeout 256 ignored', options: [['timeout', '256']], want: { order: [], ignored: ['timeout=256'] } },
    { name: 'timeout 255 accepted', options: [['timeout', '255']], want: { timeout: 255, order: ['timeout'] } },
    { name: 'windowsize 0 ignored (RFC 7440: 1..65535)', options: [['windowsize', '0']], want: { order: [], ignored: ['windowsize=0'] } },
    { name: 'first occurrence wins', options: [['blksize', '1024'], ['BLKSIZE', '512']], want: { blksize: 1024, order: ['blksize'], ignored: ['BLKSIZE=512'] } },
    { name: 'unknown options ignored', options: [['multicast', ''], ['rollover', '0']], want: { order: [], ignored: ['multicast', 'rollover'] } },
    { name: 'prototype names are unknown options', options: [['__proto__', '1'], ['constructor', '2']], want: { order: [], ignored: ['__proto__', 'constructor'] } },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const got = parseOptions(c.options);
      for (const [k, v] of Object.entries(c.want)) assert.deepEqual(got[k as keyof RequestedOptions], v, k);
    });
  }
});

describe('negotiate', () => {
  const policy: NegotiationPolicy = { maxBlksize: 1468, maxWindowsize: 64, size: 1000 };
  const cases: { name: string; options: TftpOption[]; policy?: Partial<NegotiationPolicy>; want: ReturnType<typeof negotiate> }[] = [
    { name: 'no options: RFC 1350 defaults, no OACK', options: [], want: { blksize: 512, windowsize: 1, timeoutMs: null, oack: [] } },
    {
      name: 'blksize within the cap',
      options: [['blksize', '1024']],
      want: { blksize: 1024, windowsize: 1, timeoutMs: null, oack: [['blksize', '1024']] },
    },
    {
      name: 'blksize above the cap is lowered to it',
      options: [['blksize', '65464']],
      want: { blksize: 1468, windowsize: 1, timeoutMs: null, oack: [['blksize', '1468']] },
    },
    {
      name: 'a higher configured cap is honoured',
      options: [['blksize', '65464']],
      policy: { maxBlksize: 65464 },
      want: { blksize: 65464, windowsize: 1, timeoutMs: null, oack: [['blksize', '65464']] },
    },
    {
      name: 'blksize 99999 is capped at 65464 even with a max cap',
      options: [['blksize', '99999']],
      policy: { maxBlksize: 65464 },
      want: { blksize: 65464, windowsize: 1, timeoutMs: null, oack: [['blksize', '65464']] },
    },
    {
      name: 'windowsize capped',
      options: [['windowsize', '65535']],
      want: { blksize: 512, windowsize: 64, timeoutMs: null, oack: [['windowsize', '64']] },
    },
    {
      name: 'tsize answered with the size',
      options: [['tsize', '0']],
      want: { blksize: 512, windowsize: 1, timeoutMs: null, oack: [['tsize', '1000']] },
    },
    { name: 'tsize omitted when the size is unknown', options: [['tsize', '0']], policy: { size: null }, want: { blksize: 512, windowsize: 1, timeoutMs: null, oack: [] } },
    { name: 'tsize omitted for an empty file (curl rejects tsize 0)', options: [['tsize', '0']], policy: { size: 0 }, want: { blksize: 512, windowsize: 1, timeoutMs: null, oack: [] } },
    {
      name: 'timeout echoed and converted to ms',
      options: [['timeout', '5']],
      want: { blksize: 512, windowsize: 1, timeoutMs: 5000, oack: [['timeout', '5']] },
    },
    {
      name: 'OACK keeps the client order and lower-case names',
      options: [['WINDOWSIZE', '4'], ['TSIZE', '0'], ['BLKSIZE', '1468']],
      want: { blksize: 1468, windowsize: 4, timeoutMs: null, oack: [['windowsize', '4'], ['tsize', '1000'], ['blksize', '1468']] },
    },
    { name: 'only invalid options: no OACK', options: [['blksize', '2'], ['foo', 'bar']], want: { blksize: 512, windowsize: 1, timeoutMs: null, oack: [] } },
  ];
  for (const c of cases) {
    test(c.name, () => assert.deepEqual(negotiate(parseOptions(c.options), { ...policy, ...c.policy }), c.want));
  }
});
