import { randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nunjucks from 'nunjucks';
import { XMLValidator } from 'fast-xml-parser';
import { buildFloppyImage } from '../payloads/index.js';
import { renderUnattend, type WindowsSetupValues } from '../templates/windows/index.js';
import type { PlannedVm } from './config/index.js';
import { RoomError } from './errors.js';

/** The files a room VM reads at first boot. */
export interface PayloadFiles {
  readonly files: { name: string; content: Buffer }[];
}

/** Resolves a secret reference; null when it is not set. */
export type SecretLookup = (name: string) => string | null;

function needSecret(secret: SecretLookup, name: string, what: string): string {
  const v = secret(name);
  if (v === null) throw new RoomError('ROOM_SECRET', `${what}: secret "${name}" is not set (vizor secret set ${name})`);
  return v;
}

/**
 * `vizor.txt`: the VM's identity as key=value lines, for guests and scripts that are not
 * Windows Setup (and for Windows' own first-logon scripts).
 */
function identityFile(vm: PlannedVm, mac: string, report: string | null, nonce: string): string {
  const lines = [`hostname=${vm.hostname}`, `mac=${mac}`, `nonce=${nonce}`, 'halt=1'];
  if (vm.ip) lines.push(`ip=${vm.ip}/${vm.prefix ?? 24}`);
  if (vm.gateway) lines.push(`gateway=${vm.gateway}`);
  if (vm.dns.length) lines.push(`dns=${vm.dns.join(',')}`);
  if (report) lines.push(`report=${report}`);
  return `${lines.join('\n')}\n`;
}

/** The unattend.xml of a VM: vizor's own Windows template, or the room's nunjucks file. */
async function unattendFile(vm: PlannedVm, mac: string, secret: SecretLookup, runTime: string): Promise<string | null> {
  const u = vm.unattend;
  if (!u) return null;
  const secrets = Object.fromEntries(Object.entries(u.secrets).map(([k, ref]) => [k, needSecret(secret, ref, `unattend of ${vm.name}`)]));
  const domain = vm.domain ? { name: vm.domain.name, ou: vm.domain.ou, user: vm.domain.user, password: needSecret(secret, vm.domain.passwordSecret, `domain join of ${vm.name}`) } : null;
  if (u.templateKind === 'builtin') {
    const v = u.values as Record<string, string>;
    const ui = v.uiLanguage ?? 'en-US';
    const values: WindowsSetupValues = {
      version: (v.version ?? 'windows-10') as WindowsSetupValues['version'], arch: (v.arch ?? 'amd64') as WindowsSetupValues['arch'],
      locale: { uiLanguage: ui, inputLocale: v.inputLocale ?? ui, systemLocale: v.systemLocale ?? ui, userLocale: v.userLocale ?? ui },
      timeZone: vm.timeZone ?? v.timeZone ?? 'UTC', computerName: vm.hostname,
      adminPassword: secrets.adminPassword ?? needSecret(secret, String(v.adminPasswordSecret ?? ''), `unattend of ${vm.name} (adminPassword)`),
      localAccounts: [], firstLogonCommands: [],
      ...(vm.ip ? { network: { mac, ip: vm.ip, prefix: vm.prefix ?? 24, ...(vm.gateway ? { gateway: vm.gateway } : {}), dns: [...vm.dns] } } : {}),
      ...(domain ? { domainJoin: { domain: domain.name, ...(domain.ou ? { ou: domain.ou } : {}), user: domain.user, password: domain.password } } : {}),
    };
    return renderUnattend(values);
  }
  const env = new nunjucks.Environment(null, { autoescape: true, throwOnUndefined: true });
  const text = env.renderString(await readFile(u.template, 'utf8'), { ...u.values, vm: { ...vm, mac }, domain, secrets, run: { time: runTime } });
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new RoomError('ROOM_TEMPLATE', `unattend template ${u.template} rendered bad XML for ${vm.name}: ${valid.err.msg} (line ${valid.err.line})`);
  return text;
}

/** Everything on a VM's payload. */
export async function payloadFiles(vm: PlannedVm, mac: string, secret: SecretLookup, report: string | null, nonce: string, runTime: string): Promise<PayloadFiles> {
  const files = [{ name: 'vizor.txt', content: Buffer.from(identityFile(vm, mac, report, nonce)) }];
  const unattend = await unattendFile(vm, mac, secret, runTime);
  if (unattend !== null) files.push({ name: 'unattend.xml', content: Buffer.from(unattend) }, { name: 'Autounattend.xml', content: Buffer.from(unattend) });
  return { files };
}

/**
 * Writes the payload image in a private folder (0700, file 0600): a FAT12 floppy, or an
 * ISO for platforms without floppies. Returns its path; delete it with removePayload.
 */
export async function writePayloadImage(dir: string, vmName: string, files: PayloadFiles, kind: 'floppy' | 'iso'): Promise<string> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  const name = `${vmName}-${randomBytes(6).toString('hex')}.${kind === 'floppy' ? 'img' : 'iso'}`;
  const path = join(dir, name);
  if (kind === 'floppy') {
    await writeFile(path, buildFloppyImage(files.files, { label: 'VIZOR' }), { mode: 0o600 });
    return path;
  }
  const stage = await mkdtemp(join(dir, '.stage-'));
  try {
    for (const f of files.files) await writeFile(join(stage, f.name), f.content, { mode: 0o600 });
    await new Promise<void>((resolve, reject) =>
      execFile('genisoimage', ['-quiet', '-J', '-r', '-V', 'VIZOR', '-o', path, stage], (err, _o, stderr) => (err ? reject(new RoomError('ROOM_PAYLOAD', `genisoimage failed: ${String(stderr).trim() || err.message}`)) : resolve())));
    await chmod(path, 0o600);
    return path;
  } finally {
    await rm(stage, { recursive: true, force: true });
  }
}

/** Deletes a payload image (it may hold a domain password). */
export async function removePayload(path: string | null | undefined): Promise<void> {
  if (path) await rm(path, { force: true });
}
