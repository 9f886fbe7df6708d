// Room additions to the unattend files: a static address on the NIC with the VM's MAC and
// a domain join in specialize; hostile values stay data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AnswerFileError, renderUnattend } from '../../../src/templates/index.js';
import { at, component, installValues } from './windows-fixtures.js';

const room = (over = {}) => ({
  ...installValues(),
  network: { mac: '52:54:00:ab:cd:01', ip: '10.1.2.101', prefix: 24, gateway: '10.1.2.1', dns: ['10.1.2.10', '10.1.2.11'] },
  domainJoin: { domain: 'corp.example.org', ou: 'OU=Room1,OU=Labs,DC=corp,DC=example,DC=org', user: 'join-svc', password: 'J<o&i]]>n"\'pä' },
  ...over,
});

test('static address and DNS on the NIC named by its MAC; domain join with OU', () => {
  const xml = renderUnattend(room());
  const tcpip = component(xml, 'specialize', 'Microsoft-Windows-TCPIP');
  const iface = at(tcpip, 'Interfaces', 'Interface') as Record<string, unknown>;
  assert.equal(at(iface, 'Identifier'), '52-54-00-AB-CD-01');
  assert.equal(String(at(iface, 'Ipv4Settings', 'DhcpEnabled')), 'false');
  assert.equal(at(iface, 'UnicastIpAddresses', 'IpAddress', '#text'), '10.1.2.101/24');
  assert.equal(at(iface, 'Routes', 'Route', 'NextHopAddress'), '10.1.2.1');
  const dns = at(component(xml, 'specialize', 'Microsoft-Windows-DNS-Client'), 'Interfaces', 'Interface', 'DNSServerSearchOrder', 'IpAddress') as { '#text': string }[];
  assert.deepEqual(dns.map((d) => d['#text']), ['10.1.2.10', '10.1.2.11']);
  const join = component(xml, 'specialize', 'Microsoft-Windows-UnattendedJoin');
  assert.equal(at(join, 'Identification', 'JoinDomain'), 'corp.example.org');
  assert.equal(at(join, 'Identification', 'MachineObjectOU'), 'OU=Room1,OU=Labs,DC=corp,DC=example,DC=org');
  assert.equal(at(join, 'Identification', 'Credentials', 'Password'), 'J<o&i]]>n"\'pä', 'a hostile password comes back exactly');
});

test('without network or domain the components are absent; bad values are refused by field', () => {
  const xml = renderUnattend(installValues());
  assert.doesNotMatch(xml, /Microsoft-Windows-(TCPIP|DNS-Client|UnattendedJoin)/);
  for (const [over, field] of [
    [{ network: { mac: 'nope', ip: '10.0.0.1', prefix: 24, dns: [] } }, 'network.mac'],
    [{ network: { mac: '52:54:00:00:00:01', ip: '10.0.0.256', prefix: 24, dns: [] } }, 'network.ip'],
    [{ network: { mac: '52:54:00:00:00:01', ip: '10.0.0.1', prefix: 33, dns: [] } }, 'network.prefix'],
    [{ domainJoin: { domain: 'bad domain', user: 'u', password: 'p' } }, 'domainJoin.domain'],
    [{ domainJoin: { domain: 'corp.example', user: 'u', password: 'line\nbreak' } }, 'domainJoin.password'],
  ] as const) {
    assert.throws(() => renderUnattend(room(over)), (e: unknown) => e instanceof AnswerFileError && e.message.includes(field), field);
  }
});
