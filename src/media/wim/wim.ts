import { MediaCorruptError, MediaLimitError, MediaUnsupportedError } from '../errors.js';
import { MediaLimits } from '../limits.js';
import { FileSource, type RandomAccessSource } from '../source.js';
import { decodeWimHeader, WIM_HEADER_SIZE, type WimHeader } from './header.js';
import { parseWimXml, type WimInfo } from './xml.js';

/** Reads `length` bytes at `offset` of the WIM; the WIM may be a plain file or a file inside an ISO. */
export type WimReader = (offset: number, length: number) => Promise<Buffer>;

/** What vizor learns from a WIM without decompressing anything: its header and editions. */
export interface WimDescription {
  header: WimHeader;
  xml: WimInfo;
}

/**
 * Reads the header and XML of a WIM/ESD/SWM of `size` bytes through `read`, touching only
 * the 208-byte header and the XML resource.
 */
export async function readWimInfo(read: WimReader, size: number): Promise<WimDescription> {
  if (size < WIM_HEADER_SIZE) {
    throw new MediaCorruptError('wim', `file of ${size} bytes is smaller than the ${WIM_HEADER_SIZE}-byte header`);
  }
  const header = decodeWimHeader(await read(0, WIM_HEADER_SIZE));
  const res = header.xml;
  if (res.size === 0) throw new MediaCorruptError('wim', 'the header has no XML resource');
  if (res.compressed) {
    throw new MediaUnsupportedError('wim', `compressed XML resource (${res.size} bytes at ${res.offset}) is not supported`);
  }
  if (res.offset < WIM_HEADER_SIZE || res.offset + res.size > size) {
    throw new MediaCorruptError('wim', `XML resource at ${res.offset} (+${res.size}) lies outside the file (size ${size}) or overlaps the header`);
  }
  if (res.size > MediaLimits.maxWimXmlBytes) {
    throw new MediaLimitError('wim', `XML resource of ${res.size} bytes exceeds ${MediaLimits.maxWimXmlBytes}`);
  }
  const xml = parseWimXml(await read(res.offset, res.size));
  if (xml.encrypted) throw new MediaUnsupportedError('wim', 'encrypted ESD cannot be read');
  if (xml.editions.length !== header.imageCount) {
    throw new MediaCorruptError(
      'wim',
      `header says ${header.imageCount} images but the XML describes ${xml.editions.length}`,
    );
  }
  return { header, xml };
}

/** Reads the header and editions of a WIM held by a random-access source. */
export function readWimSourceInfo(source: RandomAccessSource): Promise<WimDescription> {
  return readWimInfo((offset, length) => source.read(offset, length), source.size);
}

/** Reads the header and editions of a WIM/ESD/SWM file on the local disk. */
export async function readWimFileInfo(path: string): Promise<WimDescription> {
  const source = await FileSource.open(path);
  try {
    return await readWimSourceInfo(source);
  } finally {
    await source.close();
  }
}
