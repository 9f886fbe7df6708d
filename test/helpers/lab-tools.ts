// Where the lab's Debian-packaged tools and firmware live, and the check that they are all
// there (it fails with the package names; it never skips).
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { promisify } from 'node:util';

const execFileP = promisify(execFile);

/** Firmware and boot binaries from Debian 12 packages (ovmf, ipxe, ipxe-qemu, seabios). */
export const LAB_PATHS = {
  qemu: '/usr/bin/qemu-system-x86_64',
  /** Non-Secure-Boot OVMF, 4 MiB flash layout; pair with ovmfVars. */
  ovmfCode: '/usr/share/OVMF/OVMF_CODE_4M.fd',
  /** Empty variable store template; every VM gets its own copy. */
  ovmfVars: '/usr/share/OVMF/OVMF_VARS_4M.fd',
  seabios: '/usr/share/seabios/bios-256k.bin',
  /** QEMU's default NIC option ROMs (efi-*.rom hold both the BIOS and the UEFI iPXE driver). */
  nicRomDir: '/usr/lib/ipxe/qemu',
  /** iPXE boot binaries to serve: undionly.kpxe (BIOS), snponly.efi and ipxe.efi (x64 UEFI). */
  undionly: '/usr/lib/ipxe/undionly.kpxe',
  snponly: '/usr/lib/ipxe/snponly.efi',
  ipxeEfi: '/usr/lib/ipxe/ipxe.efi',
  dnsmasq: '/usr/sbin/dnsmasq',
} as const;

/** Each required file with the Debian package that ships it; the first existing path of a list counts. */
const REQUIRED: { paths: string[]; pkg: string }[] = [
  { paths: ['/usr/sbin/ip', '/sbin/ip', '/bin/ip'], pkg: 'iproute2' },
  { paths: ['/usr/bin/ss', '/bin/ss'], pkg: 'iproute2' },
  { paths: [LAB_PATHS.qemu], pkg: 'qemu-system-x86' },
  { paths: ['/usr/bin/qemu-img'], pkg: 'qemu-utils' },
  { paths: [LAB_PATHS.seabios], pkg: 'seabios' },
  { paths: [LAB_PATHS.ovmfCode, LAB_PATHS.ovmfVars], pkg: 'ovmf' },
  { paths: [`${LAB_PATHS.nicRomDir}/efi-virtio.rom`], pkg: 'ipxe-qemu' },
  { paths: [LAB_PATHS.snponly], pkg: 'ipxe' },
  { paths: [LAB_PATHS.dnsmasq], pkg: 'dnsmasq-base' },
  { paths: ['/usr/bin/busybox', '/bin/busybox'], pkg: 'busybox' },
];

function exists(path: string): boolean {
  try {
    accessSync(path, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Throws one Error naming every missing Debian package (and root / /dev/net/tun problems);
 * returns quietly when the lab can run. fileExists is replaceable for tests.
 */
export function requireLabTools(fileExists: (path: string) => boolean = exists): void {
  const problems: string[] = [];
  if (process.getuid?.() !== 0) problems.push('the lab creates network namespaces and taps: run the tests as root');
  const missing = new Set<string>();
  for (const r of REQUIRED) {
    // ovmf lists two files that must both exist; the other entries are alternatives
    const ok = r.pkg === 'ovmf' ? r.paths.every(fileExists) : r.paths.some(fileExists);
    if (!ok) missing.add(r.pkg);
  }
  if (missing.size) {
    const pkgs = [...missing].join(' ');
    problems.push(`missing Debian packages: ${pkgs} (apt-get install --no-install-recommends ${pkgs})`);
  }
  if (!fileExists('/dev/net/tun')) problems.push('/dev/net/tun is missing: load the tun kernel module (modprobe tun)');
  if (problems.length) throw new Error(`lab: ${problems.join('; ')}`);
}

/** Runs a command to completion; the error names the command and carries its stderr. */
export async function run(cmd: string, args: string[]): Promise<{ stdout: string; stderr: string }> {
  try {
    return await execFileP(cmd, args, { maxBuffer: 16 * 1024 * 1024 });
  } catch (err) {
    const e = err as Error & { stderr?: string };
    throw new Error(`${cmd} ${args.join(' ')}: ${(e.stderr ?? '').trim() || e.message}`, { cause: err });
  }
}
