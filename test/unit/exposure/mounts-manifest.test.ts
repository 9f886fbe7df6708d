// The vizor-isofs manifest: encoding round-trips through an independent decoder written
// here from the format description, hostile names survive, and bad input is refused.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { encodeManifest, MountError, type IsoManifest, type ManifestNode } from '../../../src/exposure/mounts/index.js';

/** Undoes %XX and returns the raw bytes. */
function pct(field: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < field.length; i++) {
    if (field[i] === '%') {
      assert.match(field.slice(i + 1, i + 3), /^[0-9A-F]{2}$/, `bad escape in ${field}`);
      bytes.push(parseInt(field.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      assert.match(field[i]!, /^[A-Za-z0-9._~/-]$/, `unencoded byte in ${field}`);
      bytes.push(field.charCodeAt(i));
    }
  }
  return Buffer.from(bytes);
}

interface Decoded {
  header: Record<string, string[]>;
  root: number;
  nodes: ManifestNode[];
}

/** A tiny decoder of format version 1, strict about the line grammar. */
function decode(text: string): Decoded {
  assert.ok(text.endsWith('end\n'), 'ends with the end line');
  const lines = text.slice(0, -1).split('\n');
  assert.equal(lines.shift(), 'vizor-isofs 1');
  const out: Decoded = { header: {}, root: NaN, nodes: [] };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    assert.match(line, /^[\x21-\x7e]+( [\x21-\x7e]+)*$/, `line ${i + 2} is printable ASCII with single spaces`);
    const [kind, ...f] = line.split(' ');
    const str = (s: string) => pct(s).toString('utf8');
    if (kind === 'end') assert.equal(i, lines.length - 1);
    else if (kind === 'root') out.root = Number(f[0]);
    else if (kind === 'dir') out.nodes.push({ kind: 'dir', parent: Number(f[0]), mtimeMs: Number(f[1]), name: str(f[2]!) });
    else if (kind === 'link') out.nodes.push({ kind: 'link', parent: Number(f[0]), mtimeMs: Number(f[1]), name: str(f[2]!), target: str(f[3]!) });
    else if (kind === 'file') {
      const count = Number(f[3]);
      const extents = lines.slice(i + 1, i + 1 + count).map((l) => {
        const [k, a, b] = l.split(' ');
        if (k === 'data') return { kind: 'data' as const, sourceOffset: Number(a), length: Number(b) };
        if (k === 'zero') return { kind: 'zero' as const, length: Number(a) };
        assert.equal(k, 'inline');
        const data = Buffer.from(a!, 'hex');
        return { kind: 'inline' as const, data, length: data.length };
      });
      i += count;
      out.nodes.push({ kind: 'file', parent: Number(f[0]), size: Number(f[1]), mtimeMs: Number(f[2]), name: str(f[4]!), extents });
    } else out.header[kind!] = f.map((v) => (kind === 'name' ? v : str(v)));
  }
  return out;
}

const HOSTILE = ['a\nb', 'per%cent', '%41', 'with space', ' lead', 'trail ', 'tab\there', 'Ünïcödé_名前.txt', '\\back\\slash', 'cr\rlf', '🙂', 'end', 'x'.repeat(255)];

function sample(nodes: ManifestNode[] = []): IsoManifest {
  return { name: 'win10', backing: { kind: 'file', path: '/srv/iso/Win 10 %.iso' }, backingSize: 1 << 20, rootMtimeMs: 1_700_000_000_000, nodes };
}

describe('manifest encoding', () => {
  test('round-trips hostile names, every extent kind, links and times before 1970', () => {
    const nodes: ManifestNode[] = [
      { kind: 'dir', parent: 0, name: 'sub dir\n%', mtimeMs: -86_400_000 },
      ...HOSTILE.map((name, i): ManifestNode => ({ kind: 'file', parent: 1, name, mtimeMs: 1_000 * i, size: 10, extents: [{ kind: 'data', sourceOffset: 2048 * i, length: 10 }] })),
      {
        kind: 'file', parent: 0, name: 'mixed', mtimeMs: 5, size: 9000,
        extents: [{ kind: 'data', sourceOffset: 4096, length: 4000 }, { kind: 'zero', length: 3000 }, { kind: 'inline', data: Buffer.from('00ff7f0a25', 'hex'), length: 5 }, { kind: 'zero', length: 1995 }],
      },
      { kind: 'file', parent: 0, name: 'empty', mtimeMs: 0, size: 0, extents: [] },
      { kind: 'link', parent: 1, name: 'to parent', mtimeMs: 7, target: '../mixed %\n' },
    ];
    const m = sample(nodes);
    const text = encodeManifest(m);
    const d = decode(text);
    assert.deepEqual(d.header.name, ['win10']);
    assert.deepEqual(d.header['backing-file'], ['/srv/iso/Win 10 %.iso', String(1 << 20)]);
    assert.equal(d.root, m.rootMtimeMs);
    assert.deepEqual(d.nodes, nodes);
  });

  test('property: any name of 1-255 UTF-8 bytes without "/" or NUL round-trips', () => {
    const name = fc.string({ unit: 'binary', minLength: 1, maxLength: 60 }).filter((s) => {
      const bytes = Buffer.byteLength(s);
      // Lone surrogates have no UTF-8 form; the image reader never produces them.
      return bytes <= 255 && !/[/\0]/.test(s) && s !== '.' && s !== '..' && Buffer.from(s).toString() === s;
    });
    fc.assert(
      fc.property(fc.uniqueArray(name, { minLength: 1, maxLength: 8 }), (names) => {
        const nodes = names.map((n): ManifestNode => ({ kind: 'dir', parent: 0, name: n, mtimeMs: 0 }));
        assert.deepEqual(decode(encodeManifest(sample(nodes))).nodes, nodes);
      }),
    );
  });

  test('SMB backing: URL without credentials, each credential on its own encoded line', () => {
    const password = 'p@ss word%\n;:x';
    const m: IsoManifest = {
      ...sample(),
      backing: { kind: 'smb', target: { host: '127.0.0.1', port: 1445, share: 'Media ISOs', domain: 'CORP', user: 'svc vizor', password, signing: 'if-required' }, path: 'Windows/Win 10.iso', configFile: '/opt/vizor/native/smbclient.conf' },
    };
    const text = encodeManifest(m);
    const d = decode(text);
    assert.deepEqual(d.header['backing-smb'], ['smb://127.0.0.1/Media%20ISOs/Windows/Win%2010.iso', String(1 << 20)]);
    assert.deepEqual(d.header['smb-port'], ['1445']);
    assert.deepEqual(d.header['smb-user'], ['svc vizor']);
    assert.deepEqual(d.header['smb-domain'], ['CORP']);
    assert.deepEqual(d.header['smb-password'], [password]);
    assert.deepEqual(d.header['smb-signing'], ['if-required']);
    assert.deepEqual(d.header['smb-config'], ['/opt/vizor/native/smbclient.conf']);
    assert.ok(!text.includes('p@ss'), 'the password appears only percent-encoded');
  });

  const file = (over: Partial<Extract<ManifestNode, { kind: 'file' }>> = {}): ManifestNode => ({ kind: 'file', parent: 0, name: 'f', mtimeMs: 0, size: 10, extents: [{ kind: 'data', sourceOffset: 0, length: 10 }], ...over });
  const bad: [string, IsoManifest, RegExp][] = [
    ['a "/" in a name', sample([file({ name: 'a/b' })]), /contains "\/" or NUL/],
    ['a NUL in a name', sample([file({ name: 'a\0b' })]), /contains "\/" or NUL/],
    ['an empty name', sample([file({ name: '' })]), /empty name/],
    ['"..", a name', sample([file({ name: '..' })]), /"\." or "\.\."/],
    ['a 256-byte name', sample([file({ name: 'é'.repeat(128) })]), /longer than 255 bytes/],
    ['duplicate names', sample([file(), file()]), /duplicate name/],
    ['a file as parent', sample([file(), file({ parent: 1, name: 'g' })]), /not an earlier directory/],
    ['a later parent', sample([{ kind: 'dir', parent: 2, name: 'd', mtimeMs: 0 }]), /not an earlier directory/],
    ['an extent past the image', sample([file({ extents: [{ kind: 'data', sourceOffset: (1 << 20) - 5, length: 10 }] })]), /outside the image/],
    ['extents short of the size', sample([file({ size: 11 })]), /cover 10 bytes of 11/],
    ['an empty extent', sample([file({ extents: [{ kind: 'zero', length: 0 }, { kind: 'data', sourceOffset: 0, length: 10 }] })]), /empty extent/],
    ['a fractional size', sample([file({ size: 1.5 })]), /not a byte count/],
    ['a bad time', sample([file({ mtimeMs: Number.NaN })]), /bad time/],
    ['a mount name with a comma', { ...sample(), name: 'a,b' }, /mount name/],
    ['a relative backing path', { ...sample(), backing: { kind: 'file', path: 'iso/x.iso' } }, /absolute/],
    ['an empty link target', sample([{ kind: 'link', parent: 0, name: 'l', mtimeMs: 0, target: '' }]), /bad link target/],
  ];
  for (const [what, m, message] of bad) {
    test(`refuses ${what}`, () => {
      assert.throws(() => encodeManifest(m), (e: unknown) => e instanceof MountError && e.code === 'MOUNT_INVALID' && message.test(e.message));
    });
  }

  test('the same name in two directories is fine', () => {
    const text = encodeManifest(sample([{ kind: 'dir', parent: 0, name: 'd', mtimeMs: 0 }, file({ name: 'd2' }), file({ parent: 1, name: 'd2' })]));
    assert.equal(decode(text).nodes.length, 3);
  });
});
