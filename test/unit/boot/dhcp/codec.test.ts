import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeDhcp, encodeDhcp, DhcpDecodeError, DhcpEncodeError, DhcpOption, clientMac, type DhcpPacket } from '../../../../src/boot/dhcp/index.js';
import { firmware, opt, request } from './packets.js';

/** Header (236 bytes) + cookie with the given options area appended verbatim. */
function raw(options: number[] | Buffer, patch: (b: Buffer) => void = () => {}): Buffer {
  const head = encodeDhcp(request({ options: [] })).subarray(0, 240);
  const b = Buffer.concat([head, Buffer.from(options)]);
  patch(b);
  return b;
}

describe('dhcp codec: round trips', () => {
  const cases: [string, DhcpPacket][] = Object.entries(firmware).map(([name, options]) => [name, request({ options: [...options] })]);
  cases.push(['reply with sname, file and flags', { ...request({ flags: 0x8000 }), op: 2, yiaddr: '10.0.0.50', siaddr: '10.0.0.1', sname: '10.0.0.1', file: 'undionly.kpxe' }]);
  cases.push(['unknown options 224, 250 and an empty one', request({ options: [opt(224, [1, 2, 3]), opt(250, Buffer.alloc(0)), opt(43, [6, 1, 8, 255]), opt(93, [0, 7, 0, 9])] })]);
  for (const [name, p] of cases) {
    test(`${name}: decode(encode(p)) equals p, and re-encoding is byte-exact`, () => {
      const bytes = encodeDhcp(p);
      const back = decodeDhcp(bytes);
      assert.deepEqual(back, p);
      assert.deepEqual(encodeDhcp(back), bytes);
    });
  }

  test('unknown options survive byte-for-byte in wire order', () => {
    const b = raw([53, 1, 1, 200, 3, 0xde, 0xad, 0xbe, 94, 3, 1, 2, 1, 175, 2, 0xb1, 0, 255]);
    const p = decodeDhcp(b);
    assert.deepEqual(p.options.map((o) => [o.code, o.data.toString('hex')]), [[53, '01'], [200, 'deadbe'], [94, '010201'], [175, 'b100']]);
    assert.deepEqual(encodeDhcp(p).subarray(0, b.length), b);
  });

  test('encoding pads to BOOTP minimum of 300 bytes and ends options with END', () => {
    const b = encodeDhcp(request());
    assert.equal(b.length, 300);
    assert.deepEqual([...b.subarray(240, 244)], [53, 1, 1, 255]);
  });

  test('PAD bytes are skipped and bytes after END ignored', () => {
    const p = decodeDhcp(raw([0, 0, 53, 1, 3, 0, 255, 99, 99, 99]));
    assert.deepEqual(p.options.map((o) => o.code), [53]);
  });

  test('a packet without END is accepted (some ROMs fill the area exactly)', () => {
    assert.equal(decodeDhcp(raw([53, 1, 1, 12, 2, 0x61, 0x62])).options.length, 2);
  });

  test('chaddr gives the MAC in lower-case colon form', () => {
    assert.equal(clientMac(request({ mac: '52:54:00:AB:cd:0e' })), '52:54:00:ab:cd:0e');
  });
});

describe('dhcp codec: RFC 3396 long options', () => {
  test('instances of one code are concatenated in order at the first position', () => {
    const p = decodeDhcp(raw([77, 2, 0x61, 0x62, 53, 1, 1, 77, 1, 0x63, 255]));
    assert.deepEqual(p.options.map((o) => [o.code, o.data.toString()]), [[77, 'abc'], [53, '\x01']]);
  });

  for (const len of [255, 256, 510, 511, 1000]) {
    test(`a ${len}-byte value is split into ${Math.ceil(len / 255)} instances and joined back`, () => {
      const value = Buffer.from(Array.from({ length: len }, (_, i) => i % 251));
      const p = request({ options: [opt(224, value)] });
      const b = encodeDhcp(p);
      let count = 0;
      for (let i = 240; b[i] !== 255; i += 2 + b[i + 1]!) if (b[i] === 224) count++;
      assert.equal(count, Math.ceil(len / 255));
      assert.deepEqual(decodeDhcp(b).options[1]!.data, value);
    });
  }
});

describe('dhcp codec: option overload (52)', () => {
  const cases: [string, number, string, string][] = [
    ['file holds options', 1, '', 'sname-kept'],
    ['sname holds options', 2, 'file-kept', ''],
    ['both hold options', 3, '', ''],
  ];
  for (const [name, value, file, sname] of cases) {
    test(`${name}: options read from options, then file, then sname`, () => {
      const b = raw([53, 1, 5, 52, 1, value, 12, 1, 0x41, 255], (x) => {
        x.write('sname-kept', 44, 'latin1');
        x.write('file-kept', 108, 'latin1');
        if (value & 1) Buffer.from([15, 3, 0x6c, 0x61, 0x6e, 12, 1, 0x42, 255]).copy(x, 108);
        if (value & 2) Buffer.from([3, 4, 10, 0, 0, 1, 12, 1, 0x43, 255]).copy(x, 44);
      });
      const p = decodeDhcp(b);
      assert.equal(p.file, file);
      assert.equal(p.sname, sname);
      const codes = p.options.map((o) => o.code);
      assert.ok(!codes.includes(52), 'option 52 is consumed');
      const host = p.options.find((o) => o.code === 12)!.data.toString();
      assert.equal(host, 'A' + (value & 1 ? 'B' : '') + (value & 2 ? 'C' : ''));
    });
  }
});

describe('dhcp codec: malformed input throws DhcpDecodeError saying what is wrong', () => {
  const cases: [string, Buffer, RegExp][] = [
    ['empty', Buffer.alloc(0), /truncated header: 0 bytes/],
    ['truncated header', Buffer.alloc(239), /truncated header: 239 bytes, need at least 240/],
    ['bad op', raw([255], (b) => (b[0] = 3)), /bad op 3/],
    ['hlen over 16', raw([255], (b) => (b[2] = 17)), /bad hlen 17/],
    ['bad cookie', raw([255], (b) => b.writeUInt32BE(0x63825364, 236)), /bad magic cookie 0x63825364/],
    ['option runs past the end', raw([53, 1, 1, 12, 20, 0x61]), /option 12 at offset 243 in options runs past the end \(length 20, 1 bytes left\)/],
    ['option without length byte', raw([53, 1, 1, 12]), /option 12 at offset 243 in options has no length byte/],
    ['overload value 4', raw([52, 1, 4, 255]), /bad option overload \(52\) value 04/],
    ['overload of length 2', raw([52, 2, 1, 1, 255]), /bad option overload/],
    ['overload inside file', raw([52, 1, 1, 255], (b) => Buffer.from([52, 1, 2, 255]).copy(b, 108)), /inside file\/sname/],
    ['option in file runs past the field', raw([52, 1, 1, 255], (b) => Buffer.from([12, 200]).copy(b, 234)), /in file runs past the end/],
  ];
  for (const [name, bytes, message] of cases) {
    test(name, () => {
      assert.throws(() => decodeDhcp(bytes), (e: unknown) => e instanceof DhcpDecodeError && e.code === 'DHCP_DECODE' && message.test(e.message));
    });
  }
  test('a non-buffer is a decode error too', () => {
    assert.throws(() => decodeDhcp('x' as unknown as Buffer), DhcpDecodeError);
  });
});

describe('dhcp codec: encode rejects what cannot go on the wire', () => {
  const cases: [string, Partial<DhcpPacket>, RegExp][] = [
    ['bad address', { ciaddr: '10.0.0.256' }, /ciaddr: not an IPv4 address/],
    ['file too long', { file: 'x'.repeat(129) }, /file: 129 bytes, the field holds 128/],
    ['sname too long', { sname: 'x'.repeat(65) }, /sname: 65 bytes/],
    ['option code 255', { options: [opt(255, [])] }, /bad option code 255/],
    ['overload by hand', { options: [opt(DhcpOption.OptionOverload, [1])] }, /added by the codec/],
  ];
  for (const [name, patch, message] of cases) {
    test(name, () => assert.throws(() => encodeDhcp({ ...request(), ...patch }), (e: unknown) => e instanceof DhcpEncodeError && e.code === 'DHCP_ENCODE' && message.test(e.message)));
  }
});
