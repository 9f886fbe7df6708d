import type { BootCatalog } from '../../media/index.js';

/** One line per El Torito entry. */
export function renderBootEntries(boot: BootCatalog): string[] {
  return [JSON.stringify(boot)];
}
