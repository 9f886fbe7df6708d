// Driver options: defaults, and every bad option reported at once as HvConfigError.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { HvConfigError, HvRequestError } from '../../../../src/hypervisors/errors.js';
import { normaliseMac } from '../../../../src/hypervisors/qemu/context.js';
import { resolveOptions, type QemuDriverOptions } from '../../../../src/hypervisors/qemu/options.js';

describe('resolveOptions', () => {
  test('defaults: auto accel, q35, Debian OVMF and QEMU paths, no bridge means isolated', () => {
    const o = resolveOptions({ stateDir: '/var/lib/vizor/qemu' });
    assert.equal(o.accel, 'auto');
    assert.equal(o.machine, 'q35');
    assert.equal(o.ovmfCode, '/usr/share/OVMF/OVMF_CODE_4M.fd');
    assert.equal(o.ovmfVars, '/usr/share/OVMF/OVMF_VARS_4M.fd');
    assert.equal(o.qemuBinary, '/usr/bin/qemu-system-x86_64');
    assert.equal(o.bridge, null);
    assert.equal(o.netns, null);
  });

  const bad: { what: string; opts: QemuDriverOptions; re: RegExp }[] = [
    { what: 'relative stateDir', opts: { stateDir: 'state' }, re: /stateDir must be an absolute path/ },
    { what: 'bridge name too long', opts: { stateDir: '/s', bridge: 'a-very-long-bridge-name' }, re: /not a Linux interface name/ },
    { what: 'netns without bridge', opts: { stateDir: '/s', netns: 'lab' }, re: /netns needs a bridge/ },
    { what: 'unknown accel', opts: { stateDir: '/s', accel: 'hvf' as 'kvm' }, re: /accel must be kvm, tcg or auto/ },
    { what: 'unknown machine', opts: { stateDir: '/s', machine: 'virt' as 'pc' }, re: /machine must be q35 or pc/ },
    { what: 'relative firmware path', opts: { stateDir: '/s', ovmfCode: 'OVMF.fd' }, re: /ovmfCode must be an absolute path/ },
  ];
  for (const c of bad) {
    test(c.what, () => assert.throws(() => resolveOptions(c.opts), (err: unknown) => err instanceof HvConfigError && err.code === 'HV_CONFIG' && c.re.test(err.message)));
  }

  test('all problems are reported together', () => {
    assert.throws(() => resolveOptions({ stateDir: 'x', accel: 'y' as 'kvm', machine: 'z' as 'pc' }), /stateDir.*; accel.*; machine/);
  });
});

describe('normaliseMac', () => {
  const cases: [string, string | null][] = [
    ['52:54:00:AA:bb:0C', '52:54:00:aa:bb:0c'], ['52-54-00-aa-bb-cc', '52:54:00:aa:bb:cc'],
    ['01:00:5e:00:00:01', null], ['52:54:00:aa:bb', null], ['zz:54:00:aa:bb:cc', null],
  ];
  for (const [mac, want] of cases) {
    test(`${mac} → ${want}`, () => {
      if (want) assert.equal(normaliseMac(mac), want);
      else assert.throws(() => normaliseMac(mac), HvRequestError);
    });
  }
});
