// Runs wimlib-imagex (the reference WIM implementation) and turns its text output into
// maps that tests compare with what vizor reads, field for field.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { WimEdition, WimHeader } from '../../src/media/wim/index.js';

const run = promisify(execFile);

export async function wimlib(...args: string[]): Promise<string> {
  try {
    const { stdout } = await run('wimlib-imagex', args, { env: { ...process.env, LC_ALL: 'C.UTF-8' }, maxBuffer: 8 << 20 });
    return stdout;
  } catch (err) {
    throw new Error(`wimlib-imagex ${args.join(' ')} failed (install the Debian package wimtools): ${String(err)}`);
  }
}

/** `Key:   value` lines of one block of `wimlib-imagex info`, whitespace collapsed. */
export function parseBlock(block: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of block.split('\n')) {
    const at = line.indexOf(':');
    if (at <= 0) continue;
    out.set(line.slice(0, at).trim(), line.slice(at + 1).trim().replace(/\s+/g, ' '));
  }
  return out;
}

/** The per-image blocks after "Available Images:". */
export function parseImages(stdout: string): Map<string, string>[] {
  const tail = stdout.split(/Available Images:\n-+\n/)[1] ?? '';
  return tail.split(/\n\s*\n/).filter((b) => b.trim()).map(parseBlock);
}

/** `Key = value` lines of `wimlib-imagex info --header`, plus the set flag names. */
export function parseHeader(stdout: string): { fields: Map<string, string>; flags: Set<string> } {
  const fields = new Map<string, string>();
  const flags = new Set<string>();
  for (const line of stdout.split('\n')) {
    const flag = /^\s+(WIM_HDR_FLAG_\w+) is set/.exec(line);
    if (flag?.[1]) flags.add(flag[1]);
    const kv = /^(\S[^=]*?)\s*=\s*(.*)$/.exec(line);
    if (kv?.[1] && kv[2] !== undefined) fields.set(kv[1], kv[2].trim());
  }
  return { fields, flags };
}

const WIMLIB_ARCH: Record<number, string> = { 0: 'x86', 5: 'ARM', 6: 'ia64', 9: 'x86_64', 12: 'ARM64' };
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** wimlib's "Sat Nov 21 23:09:02 2026 UTC" (whitespace collapsed). */
export function wimlibTime(d: Date | null): string {
  if (!d) return 'absent';
  const p = (n: number) => String(n).padStart(2, '0');
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} ${d.getUTCFullYear()} UTC`;
}

/** Renders an edition the way `wimlib-imagex info` prints it (1.13 rules for optional lines). */
export function asWimlibPrints(e: WimEdition): Map<string, string> {
  const m = new Map<string, string>();
  const put = (k: string, v: string | number | null) => {
    if (v !== null) m.set(k, String(v).trim().replace(/\s+/g, ' '));
  };
  put('Index', e.index);
  put('Name', e.name ?? '');
  put('Description', e.description ?? '');
  put('Display Name', e.displayName);
  put('Display Description', e.displayDescription);
  put('Directory Count', e.dirCount ?? 0);
  put('File Count', e.fileCount ?? 0);
  put('Total Bytes', e.totalBytes ?? 0);
  put('Hard Link Bytes', e.hardLinkBytes ?? 0);
  put('Creation Time', wimlibTime(e.created));
  put('Last Modification Time', wimlibTime(e.modified));
  const hasWindows =
    e.architectureCode !== null || e.productName !== null || e.editionId !== null || e.installationType !== null ||
    e.hal !== null || e.productType !== null || e.productSuite !== null || e.languages.length > 0 ||
    e.defaultLanguage !== null || e.systemRoot !== null || e.version !== null;
  if (hasWindows) {
    // wimlib reads an absent ARCH as 0.
    put('Architecture', WIMLIB_ARCH[e.architectureCode ?? 0] ?? 'unknown');
    put('Product Name', e.productName);
    put('Edition ID', e.editionId);
    put('Installation Type', e.installationType);
    put('HAL', e.hal);
    put('Product Type', e.productType);
    put('Product Suite', e.productSuite);
    if (e.languages.length > 0) put('Languages', e.languages.join(' '));
    put('Default Language', e.defaultLanguage);
    put('System Root', e.systemRoot);
    if (e.version) {
      put('Major Version', e.version.major);
      put('Minor Version', e.version.minor);
      put('Build', e.version.build);
      put('Service Pack Build', e.version.spBuild);
      put('Service Pack Level', e.version.spLevel ?? 0);
    }
  }
  put('Flags', e.flags);
  put('WIMBoot compatible', e.wimBoot ? 'yes' : 'no');
  return m;
}

const hex = (n: number) => `0x${n.toString(16)}`;

export function headerAsWimlibPrints(h: WimHeader): Map<string, string> {
  const m = new Map<string, string>([
    ['Magic Characters', 'MSWIM\\0\\0\\0'],
    ['Header Size', String(h.headerSize)],
    ['Version', hex(h.version)],
    ['Flags', hex(h.flags)],
    ['Chunk Size', String(h.chunkSize)],
    ['GUID', h.guid],
    ['Part Number', String(h.partNumber)],
    ['Total Parts', String(h.totalParts)],
    ['Image Count', String(h.imageCount)],
    ['Boot Index', String(h.bootIndex)],
  ]);
  const res = (label: string, orig: string, r: WimHeader['xml']) => {
    m.set(`${label} Size`, String(r.size));
    m.set(`${label} Flags`, hex(r.flags));
    m.set(`${label} Offset`, String(r.offset));
    m.set(`${label} ${orig}`, String(r.originalSize));
  };
  res('Blob Table', 'Original_size', h.blobTable);
  res('XML Data', 'Original Size', h.xml);
  res('Boot Metadata', 'Original Size', h.bootMetadata);
  res('Integrity', 'Original_size', h.integrity);
  return m;
}
