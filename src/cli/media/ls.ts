import type { Command } from 'commander';
import type { ImageEntry, MediaImage } from '../../media/index.js';
import { formatTable, printJson } from '../format.js';
import { globalOptions } from '../context.js';

async function collect(image: MediaImage, path: string, recursive: boolean): Promise<ImageEntry[]> {
  if (!recursive) return image.list(path);
  const out: ImageEntry[] = [];
  for await (const e of image.walk(path)) out.push(e);
  return out;
}

/** `vizor media ls <iso> [path]` */
export function registerLs(media: Command): void {
  media
    .command('ls')
    .description('list files inside an ISO (UDF preferred over ISO 9660; names match case-insensitively)')
    .argument('<iso>', 'path to an ISO or UDF image')
    .argument('[path]', 'directory inside the image', '/')
    .option('-R, --recursive', 'list subdirectories too')
    .option('-l, --long', 'show size and modification time')
    .action(async (iso: string, path: string, opts: { recursive?: boolean; long?: boolean }, cmd: Command) => {
      const { openImageFile } = await import('../../media/index.js');
      const image = await openImageFile(iso);
      try {
        const target = await image.stat(path);
        const entries = target.node.isDirectory ? await collect(image, target.path, !!opts.recursive) : [target];
        if (globalOptions(cmd).json) {
          printJson(entries.map((e) => ({ path: e.path, type: e.node.isDirectory ? 'dir' : 'file', size: e.node.size, mtime: e.node.mtime })));
        } else if (opts.long) {
          const rows = entries.map((e) => [e.node.isDirectory ? 'd' : '-', String(e.node.size), e.node.mtime?.toISOString().slice(0, 19).replace('T', ' ') ?? '', opts.recursive ? e.path : e.name + (e.node.isDirectory ? '/' : '')]);
          process.stdout.write(formatTable(['T', 'SIZE', 'MODIFIED', 'NAME'], rows));
        } else {
          for (const e of entries) process.stdout.write(`${opts.recursive ? e.path : e.name}${e.node.isDirectory ? '/' : ''}\n`);
        }
      } finally {
        await image.close();
      }
    });
}
