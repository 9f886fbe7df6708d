import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { VizorError } from '../../../../src/errors.js';
import { DhcpConfigError, DhcpDecodeError, DhcpEncodeError, DhcpSocketError, bindError } from '../../../../src/boot/dhcp/index.js';

describe('dhcp errors', () => {
  const cases: [new (m: string) => VizorError, string, string][] = [
    [DhcpDecodeError, 'DhcpDecodeError', 'DHCP_DECODE'],
    [DhcpEncodeError, 'DhcpEncodeError', 'DHCP_ENCODE'],
    [DhcpConfigError, 'DhcpConfigError', 'DHCP_CONFIG'],
    [DhcpSocketError, 'DhcpSocketError', 'DHCP_SOCKET'],
  ];
  for (const [Cls, name, code] of cases) {
    test(`${name} has code ${code}`, () => {
      const e = new Cls('x');
      assert.ok(e instanceof VizorError);
      assert.deepEqual([e.name, e.code, e.message], [name, code, 'x']);
    });
  }

  const binds: [string, unknown, string][] = [
    ['in use', Object.assign(new Error('x'), { code: 'EADDRINUSE' }), 'bind udp/67 on br0: EADDRINUSE (another DHCP server running?)'],
    ['not root', Object.assign(new Error('x'), { code: 'EACCES' }), 'bind udp/67 on br0: EACCES (run as root or grant CAP_NET_BIND_SERVICE and CAP_NET_RAW)'],
    ['no device', Object.assign(new Error('x'), { code: 'ENODEV' }), 'bind udp/67 on br0: ENODEV (no such network interface)'],
    ['other', new Error('weird'), 'bind udp/67 on br0: weird'],
  ];
  for (const [name, err, message] of binds) {
    test(`bindError: ${name}`, () => {
      const e = bindError(67, 'br0', err);
      assert.deepEqual([e.code, e.message, e.cause], ['DHCP_SOCKET', message, err]);
    });
  }
});
