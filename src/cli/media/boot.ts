import type { BootCatalog } from '../../media/index.js';

const PLATFORM_TEXT: Record<string, string> = { x86: 'BIOS (x86)', uefi: 'UEFI', powerpc: 'PowerPC', mac: 'Mac', unknown: 'unknown' };

/** One line per El Torito entry: platform, media type, bootable flag, load size and place. */
export function renderBootEntries(boot: BootCatalog): string[] {
  if (boot.entries.length === 0) return ['boot catalog lists no entries'];
  return boot.entries.map((e, i) => {
    const load = e.mediaType === 'no-emulation' ? `load ${e.sectorCount}×512 B` : 'emulated';
    const seg = e.loadSegment === 0 || e.loadSegment === 0x7c0 ? '' : ` at segment 0x${e.loadSegment.toString(16)}`;
    return `#${i} ${(PLATFORM_TEXT[e.platform] ?? e.platform).padEnd(10)} ${e.mediaType.padEnd(12)} ${e.bootable ? 'bootable' : 'not bootable'}  ${load}${seg} from LBA ${e.loadLba}`;
  });
}
