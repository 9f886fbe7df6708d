import type { Command } from 'commander';
import { once } from 'node:events';
import { UsageError } from '../exit.js';

function parseCount(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) throw new UsageError(`${flag} must be a whole number of bytes, got "${value}"`, 'media cat');
  return Number(value);
}

/** `vizor media cat <iso> <path>` */
export function registerCat(media: Command): void {
  media
    .command('cat')
    .description('write a file from inside an ISO to standard output (streamed, any size)')
    .argument('<iso>', 'path to an ISO or UDF image')
    .argument('<path>', 'file inside the image')
    .option('--offset <bytes>', 'start at this byte')
    .option('--length <bytes>', 'write at most this many bytes')
    .action(async (iso: string, path: string, opts: { offset?: string; length?: string }) => {
      const offset = parseCount(opts.offset, '--offset') ?? 0;
      const length = parseCount(opts.length, '--length');
      const { openImageFile } = await import('../../media/index.js');
      const image = await openImageFile(iso);
      try {
        const file = await image.openFile(path);
        const start = Math.min(offset, file.node.size);
        const end = length === undefined ? file.node.size : Math.min(file.node.size, start + length);
        for await (const chunk of image.stream(file, start, end)) {
          if (!process.stdout.write(chunk)) await once(process.stdout, 'drain');
        }
      } finally {
        await image.close();
      }
    });
}
