/** Payload images handed to VMs at boot: FAT12 floppies, written in TypeScript. */
export { buildFloppyImage, FLOPPY_144, FLOPPY_CLUSTERS, type FloppyFile, type FloppyOptions } from './fat12.js';
export * from './errors.js';
