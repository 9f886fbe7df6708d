/**
 * Builds the iPXE boot ISO CloudStack VMs boot instead of the network: Debian's ipxe.lkrn
 * loaded by ISOLINUX with vizor's script as its initrd (iPXE runs an initrd script at start),
 * the same layout as Debian's own ipxe.iso. The script configures the NIC by DHCP and chains
 * to vizor's `/boot/ipxe` with the same query vizor's DHCP server hands iPXE, retrying until
 * vizor answers. Built with xorriso and SOURCE_DATE_EPOCH, so the same inputs give the same
 * bytes (and the same sha256 to version its download URL with).
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { accessSync, constants } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { HvConfigError } from '../errors.js';

const run = promisify(execFile);

/** The query iPXE sends to `/boot/ipxe`, as in vizor's DHCP boot file name (iPXE expands each `${...}`). */
export const IPXE_CHAIN_QUERY = 'mac=${mac:hexhyp}&uuid=${uuid}&buildarch=${buildarch}&platform=${platform}';

/** Debian paths of what goes into the ISO, with the package shipping each. */
export const IPXE_ISO_INPUTS = {
  ipxeLkrn: { path: '/usr/lib/ipxe/ipxe.lkrn', pkg: 'ipxe' },
  isolinuxBin: { path: '/usr/lib/ISOLINUX/isolinux.bin', pkg: 'isolinux' },
  ldlinuxC32: { path: '/usr/lib/syslinux/modules/bios/ldlinux.c32', pkg: 'syslinux-common' },
  xorriso: { path: '/usr/bin/xorriso', pkg: 'xorriso' },
  mkfsVfat: { path: '/usr/sbin/mkfs.vfat', pkg: 'dosfstools' },
  mcopy: { path: '/usr/bin/mcopy', pkg: 'mtools' },
  mmd: { path: '/usr/bin/mmd', pkg: 'mtools' },
} as const;

type InputName = keyof typeof IPXE_ISO_INPUTS;

/** Options of {@link buildIpxeIso}. */
export interface IpxeIsoOptions {
  /** vizor's HTTP base URL as the VMs reach it, e.g. `http://10.0.0.5:8080`. */
  readonly vizorUrl: string;
  /** Where to write the ISO. */
  readonly output: string;
  /** Volume label (default VIZOR_IPXE). */
  readonly volumeId?: string;
  /** Other locations of the inputs (tests, non-Debian systems). */
  readonly paths?: Partial<Record<InputName, string>>;
  /**
   * Adds a UEFI El Torito entry booting this iPXE EFI binary with the script as
   * `autoexec.ipxe` beside it. Only iPXE 1.21.1 and later read autoexec.ipxe; Debian 12's
   * ipxe.efi (2019) does not, so pass an iPXE built with the script embedded or a newer one.
   */
  readonly efiIpxe?: string;
}

/** A built ISO. */
export interface IpxeIso {
  readonly path: string;
  readonly script: string;
  readonly sha256: string;
  readonly size: number;
}

/** The embedded iPXE script for a vizor base URL. */
export function ipxeBootScript(vizorUrl: string): string {
  let url: URL;
  try {
    url = new URL(vizorUrl);
  } catch {
    throw new HvConfigError(`ipxe iso: vizorUrl "${vizorUrl}" is not a URL`, { platform: 'cloudstack' });
  }
  // the URL becomes part of an iPXE command line: only plain URL characters, no ${...}, no spaces
  if (!/^https?:$/.test(url.protocol) || url.search || url.hash || url.username || !/^[A-Za-z0-9.:\-[\]/_~%]+$/.test(url.host + url.pathname)) {
    throw new HvConfigError(`ipxe iso: vizorUrl must be a plain http(s) base URL such as http://10.0.0.5:8080, got "${vizorUrl}"`, { platform: 'cloudstack' });
  }
  const base = `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
  return [
    '#!ipxe',
    '# vizor boot ISO: CloudStack cannot network-boot a VM, so this ISO brings iPXE and chains to vizor',
    'echo vizor: configuring the network (boot ISO)',
    ':retry',
    'dhcp || goto wait',
    `chain --autofree ${base}/boot/ipxe?${IPXE_CHAIN_QUERY} || goto wait`,
    ':wait',
    `echo vizor: ${base} did not answer, trying again in 5 s`,
    // sleep is not in every iPXE build; a prompt with a timeout waits as well
    'sleep 5 || prompt --timeout 5000 vizor: press a key to retry now || goto retry',
    'goto retry',
    '',
  ].join('\n');
}

function readable(path: string): boolean {
  try {
    accessSync(path, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

/** Resolves the inputs, failing once with every missing Debian package named. */
function inputs(opts: IpxeIsoOptions): Record<InputName, string> {
  const needed: InputName[] = ['ipxeLkrn', 'isolinuxBin', 'ldlinuxC32', 'xorriso', ...(opts.efiIpxe ? (['mkfsVfat', 'mcopy', 'mmd'] as const) : [])];
  const out = {} as Record<InputName, string>;
  const missing = new Set<string>();
  for (const name of needed) {
    const path = opts.paths?.[name] ?? IPXE_ISO_INPUTS[name].path;
    if (!readable(path)) missing.add(IPXE_ISO_INPUTS[name].pkg);
    out[name] = path;
  }
  if (opts.efiIpxe && !readable(opts.efiIpxe)) throw new HvConfigError(`ipxe iso: EFI iPXE binary ${opts.efiIpxe} is not readable`, { platform: 'cloudstack' });
  if (missing.size) {
    const pkgs = [...missing].join(' ');
    throw new HvConfigError(`ipxe iso: missing Debian packages: ${pkgs} (apt-get install --no-install-recommends ${pkgs})`, { platform: 'cloudstack' });
  }
  return out;
}

/** One fixed time for every timestamp in the image (xorriso, mtools and the staged files). */
const EPOCH_S = 1_700_000_000;

async function tool(cmd: string, args: string[]): Promise<void> {
  try {
    await run(cmd, args, { env: { ...process.env, SOURCE_DATE_EPOCH: String(EPOCH_S) }, maxBuffer: 8 * 1024 * 1024 });
  } catch (err) {
    const e = err as Error & { stderr?: string };
    throw new HvConfigError(`ipxe iso: ${cmd} failed: ${(e.stderr ?? '').trim().split('\n').slice(-3).join(' | ') || e.message}`, { platform: 'cloudstack', cause: err });
  }
}

/** A FAT image holding EFI/BOOT/BOOTX64.EFI and autoexec.ipxe, for the UEFI El Torito entry. */
async function efiImage(dir: string, efi: string, script: string, tools: Record<InputName, string>): Promise<string> {
  const img = join(dir, 'efiboot.img');
  const scriptPath = join(dir, 'autoexec.ipxe');
  await writeFile(scriptPath, script);
  const kib = Math.ceil(((await stat(efi)).size + script.length) / 1024) + 512;
  await tool(tools.mkfsVfat, ['--invariant', '-C', '-n', 'VIZOR_EFI', '-i', '12345678', img, String(kib)]);
  const m = ['-i', img];
  await tool(tools.mmd, [...m, '::/EFI', '::/EFI/BOOT']);
  await tool(tools.mcopy, [...m, efi, '::/EFI/BOOT/BOOTX64.EFI']);
  await tool(tools.mcopy, [...m, scriptPath, '::/autoexec.ipxe']);
  return 'efiboot.img';
}

/** Builds the boot ISO at `opts.output` and returns its script and checksum. */
export async function buildIpxeIso(opts: IpxeIsoOptions): Promise<IpxeIso> {
  const script = ipxeBootScript(opts.vizorUrl);
  const tools = inputs(opts);
  const stage = await mkdtemp(join(tmpdir(), 'vizor-ipxe-iso-'));
  const tmpOut = `${opts.output}.${process.pid}.tmp`;
  try {
    const root = join(stage, 'root');
    await mkdir(root);
    await copyFile(tools.isolinuxBin, join(root, 'isolinux.bin'));
    await copyFile(tools.ldlinuxC32, join(root, 'ldlinux.c32'));
    await copyFile(tools.ipxeLkrn, join(root, 'ipxe.lkrn'));
    await writeFile(join(root, 'vizor.ipxe'), script);
    // LINUX, not KERNEL: ISOLINUX would guess the type of a .lkrn file from its extension
    await writeFile(join(root, 'isolinux.cfg'), 'DEFAULT vizor\nPROMPT 0\nTIMEOUT 0\nLABEL vizor\n  LINUX /ipxe.lkrn\n  INITRD /vizor.ipxe\n');
    const efi = opts.efiIpxe ? ['-eltorito-alt-boot', '-e', await efiImage(root, opts.efiIpxe, script, tools), '-no-emul-boot'] : [];
    // xorriso records each file's mtime (Rock Ridge): pin them, or every build differs
    for (const name of [...(await readdir(root)), '.']) await utimes(join(root, name), EPOCH_S, EPOCH_S);
    await tool(tools.xorriso, [
      '-as', 'mkisofs', '-o', tmpOut, '-V', opts.volumeId ?? 'VIZOR_IPXE', '-r',
      '-b', 'isolinux.bin', '-c', 'boot.cat', '-no-emul-boot', '-boot-load-size', '4', '-boot-info-table',
      ...efi, root,
    ]);
    await rename(tmpOut, opts.output);
  } finally {
    await rm(stage, { recursive: true, force: true });
    await rm(tmpOut, { force: true });
  }
  const bytes = await readFile(opts.output);
  return { path: opts.output, script, sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length };
}
