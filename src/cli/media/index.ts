import type { Command } from 'commander';
import { registerInspect } from './inspect.js';
import { registerLs } from './ls.js';
import { registerCat } from './cat.js';

/** `vizor media ...`: read install media in place. */
export function registerMedia(program: Command): void {
  const media = program.command('media').description('read ISO images in place: inspect, list and extract files');
  registerInspect(media);
  registerLs(media);
  registerCat(media);
}
