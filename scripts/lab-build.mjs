// vizor's main job in a private lab, on embedded defaults (data in /var/lib/vizor, key in
// /etc/vizor/secret.key): a network namespace with a bridge, `vizor serve` inside it giving
// DHCP/TFTP/iPXE/HTTP on that bridge, the local QEMU driver (TCG) on the same bridge, and
// `vizor build start --wait` installing a cataloged installer ISO into a VM and turning it
// into a template. The installer is vizor's small test guest (Debian kernel + busybox),
// which does over vizor's HTTP endpoints what d-i does. Then a room of 2 VMs is rolled
// out from the template and deleted again. Everything the lab started is removed at the end;
// the catalog entry, hypervisor, profile, build record and template stay in /var/lib/vizor.
// Run by scripts/quickstart.sh after `npm run build`.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = new URL('../dist/', import.meta.url);
const { createLab } = await import(new URL('test/helpers/lab.js', dist));
const { buildTestGuest } = await import(new URL('test/helpers/guest/index.js', dist));
const bin = fileURLToPath(new URL('../bin/vizor.js', import.meta.url));
const vizor = (args, opts = {}) => execFileSync(process.execPath, [bin, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], ...opts });
const quiet = (args) => { try { return vizor(args, { stdio: 'pipe' }); } catch { return null; } };
const dataDir = '/var/lib/vizor';

console.log('=== building the test guest (installer ISO)');
const guest = await buildTestGuest({ httpPort: 8080 });
const isoDir = join(dataDir, 'demo-isos');
mkdirSync(isoDir, { recursive: true });
copyFileSync(guest.installerIso, join(isoDir, 'guest-installer.iso'));
if (!quiet(['source', 'show', 'demo'])) vizor(['source', 'add', 'demo', `file://${isoDir}`]);
vizor(['catalog', 'scan', 'demo']);
const isoId = JSON.parse(vizor(['--json', 'catalog', 'list'])).find((i) => i.source === 'demo' && i.path === 'guest-installer.iso').id;

const lab = await createLab({ bridges: ['br0'] });
try {
  const br0 = lab.bridge('br0');
  const net = br0.address.split('.').slice(0, 3).join('.');
  // Only what the lab needs on top of the built-in defaults: the boot interface and DHCP.
  const config = join(lab.dir, 'vizor-lab.yaml');
  writeFileSync(config, `boot:\n  interfaces: [br0]\n  advertiseAddress: ${br0.address}\n  defaultTask: local\n  tftp: { root: ${join(dataDir, 'boot')} }\n  dhcp: { mode: full, poolStart: ${net}.100, poolEnd: ${net}.150, router: ${br0.address} }\n`);
  const serve = lab.spawn(process.execPath, [bin, '--config', config, 'serve'], { name: 'vizor' });
  await serve.waitForOutput(/"msg":"vizor serving"/, 60_000);
  console.log(`=== vizor serve runs in namespace ${lab.name} on br0 (${br0.address})`);
  const stateDir = join(dataDir, 'qemu');
  if (!quiet(['hypervisor', 'show', 'lab'])) vizor(['hypervisor', 'add', 'lab', 'qemu', `qemu://${stateDir}`, '--option', 'bridge=br0', '--option', 'accel=tcg', '--option', 'machine=pc']);
  if (!quiet(['profile', 'show', 'lab-small'])) vizor(['profile', 'add', 'lab-small', '--hypervisor', 'lab', '--network', 'br0', '--firmware', 'bios', '--vcpus', '1', '--memory', '384', '--disk', '1']);
  const name = `demo-${new Date().toISOString().slice(0, 19).replace(/[-:T]/g, '')}`;
  console.log(`=== vizor build start --image ${isoId} --profile lab-small --template-name ${name} --wait`);
  vizor(['build', 'start', '--image', String(isoId), '--profile', 'lab-small', '--template-name', name, '--wait'], { stdio: ['ignore', 'inherit', 'inherit'] });
  console.log('=== vizor template list');
  vizor(['template', 'list'], { stdio: ['ignore', 'inherit', 'inherit'] });
  const room = join(lab.dir, 'demo.yaml');
  writeFileSync(room, `room: demo\nhypervisor: lab\ntemplate: ${name}\nusb: false\nplacement: { network: br0 }\nsnapshot: { name: clean, description: demo }\naddressing: { subnet: ${net}.0/24, gateway: ${br0.address}, first: ${net}.201 }\ngroups:\n  - name: seats\n    ids: ["1-2"]\n`);
  const inLab = (args) => lab.exec(process.execPath, [bin, '--config', config, ...args]);
  console.log('=== vizor room rollout demo (2 VMs from the template)');
  process.stdout.write((await inLab(['room', 'rollout', room])).stdout);
  process.stdout.write((await inLab(['room', 'show', room])).stdout);
  console.log('=== vizor room delete demo --yes');
  process.stdout.write((await inLab(['room', 'delete', room, '--yes'])).stdout);
} finally {
  await lab.destroy();
}
if (!existsSync(join(dataDir, 'vizor.db'))) throw new Error('no catalog was written');
