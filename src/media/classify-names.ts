/**
 * Pure recognisers over file names and small text files, used to classify media.
 * No I/O here: inspect.ts feeds them what it read.
 */

/** A Windows language pack found on a language-pack ISO. */
export interface LangPackFile {
  readonly path: string;
  readonly locale: string;
  readonly arch: 'x86' | 'x64' | 'arm64' | null;
  /** Client, Server, or null for a bare lp.cab. */
  readonly edition: 'Client' | 'Server' | null;
}

/** Families of hypervisor guest tools vizor recognises. */
export type ToolsFamily = 'xenserver' | 'xcp-ng' | 'virtio' | 'vmware';

/** A Linux installer tree. */
export interface LinuxTree {
  readonly distro: string;
  readonly release: string | null;
  readonly codename: string | null;
  readonly arch: string | null;
  readonly kernel: string | null;
  readonly initrd: string | null;
  /** Where the identification came from. */
  readonly evidence: string;
}

const LOCALE = '([a-z]{2,3}-(?:[a-z]{4}-)?[a-z]{2,3})';
const LANGPACK_CAB = new RegExp(
  `^Microsoft-Windows-(Client|Server)-Language-Pack_(x86|x64|amd64|arm64)_${LOCALE}\\.(cab|esd)$`,
  'i',
);

/** Normalises a Windows architecture token. */
export function normaliseArch(token: string | undefined): 'x86' | 'x64' | 'arm64' | null {
  const t = (token ?? '').toLowerCase();
  if (t === 'x64' || t === 'amd64') return 'x64';
  if (t === 'x86' || t === 'i386') return 'x86';
  if (t === 'arm64') return 'arm64';
  return null;
}

/** Canonical locale case: `de-DE`, `zh-Hans-CN` stays as `zh-hans-CN`-style tokens upper-cased at the end. */
export function normaliseLocale(locale: string): string {
  const parts = locale.split('-');
  return parts.map((p, i) => (i === 0 ? p.toLowerCase() : i === parts.length - 1 && p.length <= 3 ? p.toUpperCase() : p)).join('-');
}

/**
 * Recognises a language-pack file from its path: the modern
 * `Microsoft-Windows-Client-Language-Pack_x64_de-de.cab` name, or the older
 * `[<arch>/]langpacks/<locale>/lp.cab` layout.
 */
export function recogniseLangPack(path: string): LangPackFile | null {
  const parts = path.split('/').filter(Boolean);
  const name = parts[parts.length - 1] ?? '';
  const m = LANGPACK_CAB.exec(name);
  if (m) {
    return { path, edition: m[1]!.toLowerCase() === 'server' ? 'Server' : 'Client', arch: normaliseArch(m[2]), locale: normaliseLocale(m[3]!) };
  }
  if (/^lp\.cab$/i.test(name) && parts.length >= 2) {
    const locale = parts[parts.length - 2]!;
    if (!new RegExp(`^${LOCALE}$`, 'i').test(locale)) return null;
    const arch = parts.map((p) => normaliseArch(p)).find((a) => a !== null) ?? null;
    return { path, edition: null, arch, locale: normaliseLocale(locale) };
  }
  return null;
}

/** Recognises guest-tools media from root file names and the volume label. */
export function recogniseTools(rootNames: readonly string[], label: string): { family: ToolsFamily; version: string | null } | null {
  const names = new Set(rootNames.map((n) => n.toLowerCase()));
  const lab = label.toLowerCase();
  const version = /(\d+(?:\.\d+){1,3})/.exec(label)?.[1] ?? null;
  if (names.has('virtio-win-guest-tools.exe') || (names.has('netkvm') && names.has('viostor')) || lab.startsWith('virtio-win')) {
    return { family: 'virtio', version };
  }
  const xenFiles = ['managementagentx64.msi', 'managementagentx86.msi', 'managementagent-x64.msi', 'xensetup.exe', 'citrixguestagentx64.msi', 'installwizard.msi'];
  if (xenFiles.some((f) => names.has(f)) || lab.includes('xenserver') || lab.includes('xcp-ng') || lab.includes('citrix hypervisor')) {
    return { family: lab.includes('xcp-ng') ? 'xcp-ng' : 'xenserver', version };
  }
  if (names.has('vmware tools64.msi') || names.has('vmware tools.msi') || lab.includes('vmware tools')) {
    return { family: 'vmware', version };
  }
  return null;
}

/**
 * Parses Debian/Ubuntu `.disk/info`, e.g.
 * `Debian GNU/Linux 12.11.0 "Bookworm" - Official amd64 NETINST with firmware 20250517-09:51`.
 */
export function parseDiskInfo(text: string): { distro: string; release: string | null; codename: string | null; arch: string | null } {
  const line = text.split(/\r?\n/)[0]?.trim() ?? '';
  const distro = /^ubuntu/i.test(line) ? 'ubuntu' : /^debian/i.test(line) ? 'debian' : (line.split(/\s+/)[0] ?? 'unknown').toLowerCase();
  const release = /\s(\d+(?:\.\d+)*)(?:\s|$)/.exec(line)?.[1] ?? null;
  const codename = /"([^"]+)"/.exec(line)?.[1] ?? null;
  const arch = /\b(amd64|i386|arm64|armhf|ppc64el|s390x|riscv64)\b/.exec(line)?.[1] ?? null;
  return { distro, release, codename, arch };
}

/** Parses an INI-style `.treeinfo` (RHEL, Rocky, Alma, Fedora, CentOS). */
export function parseTreeInfo(text: string): Omit<LinuxTree, 'evidence'> {
  const sections = new Map<string, Map<string, string>>();
  let current = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const sec = /^\[(.+)\]$/.exec(line);
    if (sec) {
      current = new Map();
      sections.set(sec[1]!.trim().toLowerCase(), current);
      continue;
    }
    const eq = line.indexOf('=');
    if (eq > 0) current.set(line.slice(0, eq).trim().toLowerCase(), line.slice(eq + 1).trim());
  }
  const general = sections.get('general') ?? sections.get('release') ?? new Map<string, string>();
  const tree = sections.get('tree') ?? new Map<string, string>();
  const arch = tree.get('arch') ?? general.get('arch') ?? null;
  const images = (arch && sections.get(`images-${arch.toLowerCase()}`)) || [...sections.entries()].find(([k]) => k.startsWith('images-'))?.[1];
  const family = general.get('family') ?? general.get('name') ?? 'unknown';
  return {
    distro: family.toLowerCase().replace(/\s+linux$/, '').replace(/\s+/g, '-'),
    release: general.get('version') ?? null,
    codename: null,
    arch,
    kernel: images?.get('kernel') ?? null,
    initrd: images?.get('initrd') ?? null,
  };
}
