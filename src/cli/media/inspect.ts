import type { Command } from 'commander';
import type { InspectReport } from '../../media/index.js';
import { formatBytes, formatTable, printJson } from '../format.js';
import { globalOptions } from '../context.js';
import { renderBootEntries } from './boot.js';

const KIND_TEXT: Record<InspectReport['kind'], string> = {
  'windows-install': 'Windows install media',
  'windows-langpack': 'Windows language packs',
  'guest-tools': 'hypervisor guest tools',
  'linux-installer': 'Linux installer tree',
  other: 'other',
};

/** Renders an inspect report for people. */
export function renderInspect(r: InspectReport): string {
  const out: string[] = [];
  const fsList = r.volume.fileSystems.map((k) => (k === 'udf' && r.volume.udfRevision ? `udf ${r.volume.udfRevision}` : k));
  out.push(`Source:       ${r.source} (${formatBytes(r.size)})`);
  out.push(`Volume:       ${r.volume.label || '(no label)'}`);
  out.push(`File systems: ${fsList.join(', ')} (reading ${r.volume.preferred})`);
  out.push(`Kind:         ${KIND_TEXT[r.kind]}`);
  out.push(r.boot ? 'Boot entries:' : 'Boot:         not bootable (no El Torito catalog)');
  if (r.boot) out.push(...renderBootEntries(r.boot).map((l) => `  ${l}`));
  if (r.windows) {
    const img = r.windows.installImage;
    if (img) {
      const parts = img.totalParts > 1 ? `, part ${img.partNumber} of ${img.totalParts}` : '';
      out.push(`Install image: ${img.path} (${img.format.toUpperCase()}${img.solid ? ', solid' : ''}, ${formatBytes(img.size)}, ${img.imageCount} images${parts})`);
    }
    if (r.windows.error) out.push(`  editions unreadable: ${r.windows.error.message}`);
    if (r.windows.editions.length > 0) {
      const rows = r.windows.editions.map((e) => [
        String(e.index),
        e.name ?? '',
        e.editionId ?? '',
        e.architecture ?? '?',
        e.version ? `${e.version.major}.${e.version.minor}.${e.version.build}.${e.version.spBuild}` : '',
        e.languages.map((l) => (l === e.defaultLanguage ? `${l}*` : l)).join(','),
        e.installationType ?? '',
      ]);
      out.push(formatTable(['#', 'NAME', 'EDITION ID', 'ARCH', 'VERSION', 'LANGUAGES', 'TYPE'], rows).trimEnd().split('\n').map((l) => `  ${l}`).join('\n'));
    }
    const missing = Object.entries(r.windows.bootFiles).filter(([, v]) => v === null).map(([k]) => k);
    out.push(`Network boot: ${missing.length === 0 ? 'all wimboot files present' : `missing ${missing.join(', ')}`}`);
  }
  if (r.langpacks.length > 0) {
    out.push('Language packs:');
    out.push(formatTable(['LOCALE', 'ARCH', 'EDITION', 'PATH'], r.langpacks.map((p) => [p.locale, p.arch ?? '?', p.edition ?? '', p.path])).trimEnd().split('\n').map((l) => `  ${l}`).join('\n'));
  }
  if (r.tools) out.push(`Guest tools:  ${r.tools.family}${r.tools.version ? ` ${r.tools.version}` : ''}`);
  if (r.linux) {
    const l = r.linux;
    out.push(`Linux:        ${l.distro} ${l.release ?? ''}${l.codename ? ` (${l.codename})` : ''} ${l.arch ?? ''} [from ${l.evidence}]`.replace(/\s+/g, ' '));
    out.push(`  kernel ${l.kernel ?? 'not found'}, initrd ${l.initrd ?? 'not found'}`);
  }
  for (const w of r.warnings) out.push(`Warning:      ${w}`);
  out.push(`Read:         ${formatBytes(r.bytesRead)} of the image`);
  return out.join('\n') + '\n';
}

/** `vizor media inspect <iso>` */
export function registerInspect(media: Command): void {
  media
    .command('inspect')
    .description('show volume, file systems, boot entries, media kind and Windows editions of an ISO')
    .argument('<iso>', 'path to an ISO or UDF image')
    .action(async (iso: string, _opts: unknown, cmd: Command) => {
      const { inspectImage, openImageFile } = await import('../../media/index.js');
      const image = await openImageFile(iso);
      try {
        const report = await inspectImage(image);
        if (globalOptions(cmd).json) printJson(report);
        else process.stdout.write(renderInspect(report));
        if (report.windows?.error) process.exitCode = 5;
      } finally {
        await image.close();
      }
    });
}
