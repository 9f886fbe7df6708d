// The iPXE boot ISO boots for real: QEMU (no NIC option ROM, so the only iPXE is the ISO's)
// starts ISOLINUX → ipxe.lkrn → vizor's script, gets an address from dnsmasq (standing in for
// CloudStack's virtual router), goes round its retry loop when the first chain fails, then
// fetches the chain URL from an HTTP server in the lab and runs the script it gets back. All
// inside a network namespace this test creates.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildIpxeIso } from '../../../../src/hypervisors/cloudstack/index.js';
import { parseIpxeQuery } from '../../../../src/boot/index.js';
import { createLab, randomMac, type Dnsmasq, type Lab, type LabProcess, type Vm } from '../../../helpers/lab.js';

const BOOT_TIMEOUT = 300_000;
const PORT = 8080;

// Logs every request as a JSON line. The first /boot/ipxe gets 503 (vizor not ready), the
// next a script that chains to /second.
const SERVER = `
import http from 'node:http';
const [host, port] = process.argv.slice(2);
let first = true;
http.createServer((req, res) => {
  console.log(JSON.stringify({ url: req.url }));
  if (req.url.startsWith('/boot/ipxe?') && first) { first = false; res.statusCode = 503; res.end(); }
  else if (req.url.startsWith('/boot/ipxe?')) res.end('#!ipxe\\nchain http://' + host + ':' + port + '/second?mac=\${mac:hexhyp}\\n');
  else if (req.url.startsWith('/second?')) res.end('#!ipxe\\nsleep 600\\n');
  else { res.statusCode = 404; res.end(); }
}).listen(Number(port), host, () => console.log('listening'));
`;

describe('the CloudStack iPXE boot ISO in QEMU', { timeout: 600_000 }, () => {
  let lab: Lab;
  let dnsmasq: Dnsmasq;
  let vm: Vm;
  let server: LabProcess;
  const mac = randomMac();
  const requests = (): string[] =>
    server.output().split('\n').filter((l) => l.startsWith('{')).map((l) => (JSON.parse(l) as { url: string }).url);
  const acks = (): number => dnsmasq.log().split('\n').filter((l) => l.includes(`DHCPACK(br0)`) && l.includes(mac)).length;

  before(async () => {
    lab = await createLab({ bridges: ['br0'] });
    const br0 = lab.bridge('br0');
    const iso = await buildIpxeIso({ vizorUrl: `http://${br0.address}:${PORT}`, output: join(lab.dir, 'vizor-ipxe.iso') });
    dnsmasq = await lab.startDnsmasq({ bridge: 'br0' });
    const script = join(lab.dir, 'chain-server.mjs');
    writeFileSync(script, SERVER);
    server = lab.spawn(process.execPath, [script, br0.address, String(PORT)], { name: 'chain-server' });
    await server.waitForOutput(/listening/, 20_000);
    vm = await lab.bootVm({
      firmware: 'bios', bridge: 'br0', mac, nicRom: false,
      qemuArgs: ['-drive', `file=${iso.path},media=cdrom,if=none,id=cd0,readonly=on`, '-device', 'ide-cd,drive=cd0,bootindex=0'],
    });
    await server.waitForOutput(/"url":"\/second\?/, BOOT_TIMEOUT);
  });

  after(async () => {
    await lab?.destroy();
  });

  test('ISOLINUX loaded ipxe.lkrn with the script, and iPXE (the VM has no NIC ROM) ran it and used DHCP', () => {
    const serial = vm.serialLog();
    assert.match(serial, /Loading \/ipxe\.lkrn\.\.\. ?ok/);
    assert.match(serial, /vizor: configuring the network \(boot ISO\)/);
    assert.match(dnsmasq.log(), /user class: iPXE/);
    assert.ok(acks() >= 1, dnsmasq.log());
  });

  test('when the first chain failed, the script waited and retried: DHCP again, then the chain', () => {
    assert.match(vm.serialLog(), /vizor: http:\/\/10\.\d+\.0\.1:8080 did not answer, trying again in 5 s/);
    assert.ok(acks() >= 2, `expected a second DHCPACK for ${mac} from the retry loop:\n${dnsmasq.log()}`);
    assert.deepEqual(requests().map((u) => u.split('?')[0]), ['/boot/ipxe', '/boot/ipxe', '/second']);
  });

  test('the chain URL is vizor\'s /boot/ipxe with the VM\'s MAC, and vizor\'s own parser accepts it', () => {
    const first = requests().find((u) => u.startsWith('/boot/ipxe?'));
    assert.ok(first, requests().join('\n'));
    const q = parseIpxeQuery(Object.fromEntries(new URL(first!, 'http://x').searchParams));
    assert.ok(!('problem' in q), JSON.stringify(q));
    assert.equal(q.mac, mac);
    assert.equal(q.platform, 'pcbios');
    assert.equal(q.buildarch, 'i386');
    assert.match(q.uuid ?? '', /^[0-9a-f-]{36}$/);
  });

  test('the script the chain returned was executed (it fetched /second with the MAC)', () => {
    const second = requests().find((u) => u.startsWith('/second?'));
    assert.equal(second, `/second?mac=${mac.replace(/:/g, '-')}`);
  });
});
