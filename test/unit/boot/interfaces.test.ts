import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveInterfaces, InterfaceError } from '../../../src/server/interfaces.js';

const table = {
  lo: [{ address: '127.0.0.1', netmask: '255.0.0.0', family: 'IPv4', mac: '00:00:00:00:00:00', internal: true, cidr: '127.0.0.1/8' }],
  br0: [
    { address: 'fe80::1', netmask: 'ffff:ffff:ffff:ffff::', family: 'IPv6', mac: '52:54:00:00:00:01', internal: false, cidr: 'fe80::1/64', scopeid: 3 },
    { address: '10.77.0.1', netmask: '255.255.255.0', family: 'IPv4', mac: '52:54:00:00:00:01', internal: false, cidr: '10.77.0.1/24' },
  ],
  v6only: [{ address: 'fe80::2', netmask: 'ffff:ffff:ffff:ffff::', family: 'IPv6', mac: '52:54:00:00:00:02', internal: false, cidr: 'fe80::2/64', scopeid: 4 }],
} as Parameters<typeof resolveInterfaces>[1];

test('interfaces resolve to their IPv4 address', () => {
  assert.deepEqual(resolveInterfaces(['br0'], table), [{ name: 'br0', address: '10.77.0.1', netmask: '255.255.255.0' }]);
});
test('a missing interface names the ones that exist', () => {
  assert.throws(() => resolveInterfaces(['eth9'], table), (e: unknown) => e instanceof InterfaceError && /no interface "eth9" \(have: lo, br0, v6only\)/.test(e.message));
});
test('an interface without IPv4 is an error', () => {
  assert.throws(() => resolveInterfaces(['v6only'], table), /has no IPv4 address/);
});
