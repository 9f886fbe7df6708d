import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { MediaCorruptError, MediaLimitError } from '../errors.js';
import { MediaLimits } from '../limits.js';

/** Windows version of an image (WINDOWS/VERSION); absent numbers read as 0, like wimlib. */
export interface WimVersion {
  major: number;
  minor: number;
  build: number;
  spBuild: number;
  spLevel: number | null;
}

/** Processor architectures named by WINDOWS/ARCH. */
export type WimArchitecture = 'x86' | 'arm' | 'ia64' | 'x64' | 'arm64';

/** One image (edition) described by the WIM XML. */
export interface WimEdition {
  index: number;
  name: string | null;
  description: string | null;
  displayName: string | null;
  displayDescription: string | null;
  flags: string | null;
  editionId: string | null;
  productName: string | null;
  productType: string | null;
  productSuite: string | null;
  installationType: string | null;
  hal: string | null;
  systemRoot: string | null;
  /** Null when ARCH is absent or an unknown code (see architectureCode). */
  architecture: WimArchitecture | null;
  architectureCode: number | null;
  version: WimVersion | null;
  languages: string[];
  defaultLanguage: string | null;
  totalBytes: number | null;
  hardLinkBytes: number | null;
  dirCount: number | null;
  fileCount: number | null;
  created: Date | null;
  modified: Date | null;
  /** `<WIMBOOT>` non-zero: the image may be applied in WIMBoot mode. */
  wimBoot: boolean;
}

/** The parsed XML resource of a WIM. */
export interface WimInfo {
  totalBytes: number | null;
  editions: WimEdition[];
  /** `<ESD><ENCRYPTED>` present: the resources cannot be read without a key. */
  encrypted: boolean;
}

/** WINDOWS/ARCH codes (PROCESSOR_ARCHITECTURE_* values). */
export const WIM_ARCHITECTURES: Readonly<Record<number, WimArchitecture>> = {
  0: 'x86',
  5: 'arm',
  6: 'ia64',
  9: 'x64',
  12: 'arm64',
};

// Every element becomes an array, so repeated elements are never silently merged.
type XmlNode = { '#text'?: string; '@INDEX'?: string } & { [tag: string]: XmlNode[] | string | undefined };

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  alwaysCreateTextNode: true,
  processEntities: false,
  htmlEntities: false,
  isArray: (_name, _path, _leaf, isAttribute) => !isAttribute,
});

function corrupt(message: string): MediaCorruptError {
  return new MediaCorruptError('wim', `XML: ${message}`);
}

/** Decodes the XML bytes: UTF-16LE with BOM as written by WIMGAPI/wimlib, UTF-8 defensively. */
export function decodeWimXmlText(bytes: Buffer): string {
  let encoding: 'utf-16le' | 'utf-8';
  let start = 0;
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) {
    encoding = 'utf-16le';
    start = 2;
  } else if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    encoding = 'utf-8';
    start = 3;
  } else if (bytes.length >= 2 && bytes[0] === 0x3c && bytes[1] === 0x00) {
    encoding = 'utf-16le';
  } else {
    encoding = 'utf-8';
  }
  const body = bytes.subarray(start);
  if (encoding === 'utf-16le' && body.length % 2 !== 0) throw corrupt('odd number of bytes in UTF-16 text');
  try {
    // Some writers pad the resource with NULs after the root element.
    return new TextDecoder(encoding, { fatal: true }).decode(body).replace(/\0+$/, '');
  } catch (err) {
    throw new MediaCorruptError('wim', `XML: invalid ${encoding} text`, { cause: err });
  }
}

const ENTITY = /&(#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z][A-Za-z0-9]*);/g;
const STANDARD_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(ENTITY, (_m, ref: string) => {
    if (ref.startsWith('#')) {
      const code = ref[1] === 'x' ? Number.parseInt(ref.slice(2), 16) : Number.parseInt(ref.slice(1), 10);
      if (!(code >= 1 && code <= 0x10ffff)) throw corrupt(`bad character reference &${ref};`);
      return String.fromCodePoint(code);
    }
    const value = STANDARD_ENTITIES[ref];
    if (value === undefined) throw corrupt(`undefined entity &${ref};`);
    return value;
  });
}

function children(node: XmlNode | undefined, tag: string): XmlNode[] {
  const value = node?.[tag];
  return Array.isArray(value) ? value : [];
}

function child(node: XmlNode | undefined, tag: string): XmlNode | undefined {
  return children(node, tag)[0];
}

function text(node: XmlNode | undefined, tag: string): string | null {
  const el = child(node, tag);
  return el === undefined ? null : decodeEntities(el['#text'] ?? '');
}

function decimal(node: XmlNode | undefined, tag: string): number | null {
  const raw = text(node, tag);
  if (raw === null) return null;
  if (!/^[0-9]{1,16}$/.test(raw) || !Number.isSafeInteger(Number(raw))) {
    throw corrupt(`<${tag}> is not a decimal number: ${JSON.stringify(raw.slice(0, 40))}`);
  }
  return Number(raw);
}

function hexPart(node: XmlNode, tag: string, where: string): bigint {
  const raw = text(node, tag);
  if (raw === null) return 0n;
  if (!/^(0[xX])?[0-9a-fA-F]{1,8}$/.test(raw)) {
    throw corrupt(`<${where}/${tag}> is not a 32-bit hex number: ${JSON.stringify(raw.slice(0, 40))}`);
  }
  return BigInt(raw.startsWith('0x') || raw.startsWith('0X') ? raw : `0x${raw}`);
}

/** FILETIME (100 ns ticks since 1601-01-01 UTC) from HIGHPART/LOWPART to a Date. */
function filetime(node: XmlNode | undefined, tag: string): Date | null {
  const el = child(node, tag);
  if (el === undefined) return null;
  const ticks = (hexPart(el, 'HIGHPART', tag) << 32n) | hexPart(el, 'LOWPART', tag);
  return new Date(Number(ticks / 10_000n) - 11_644_473_600_000);
}

function parseVersion(windows: XmlNode | undefined): WimVersion | null {
  const v = child(windows, 'VERSION');
  if (v === undefined) return null;
  return {
    major: decimal(v, 'MAJOR') ?? 0,
    minor: decimal(v, 'MINOR') ?? 0,
    build: decimal(v, 'BUILD') ?? 0,
    spBuild: decimal(v, 'SPBUILD') ?? 0,
    spLevel: decimal(v, 'SPLEVEL'),
  };
}

function parseIndex(image: XmlNode): number {
  const raw = image['@INDEX'];
  if (typeof raw !== 'string' || !/^[1-9][0-9]{0,8}$/.test(raw)) {
    throw corrupt(`<IMAGE> has a missing or invalid INDEX attribute: ${JSON.stringify(raw ?? null)}`);
  }
  return Number(raw);
}

function parseEdition(image: XmlNode): WimEdition {
  const windows = child(image, 'WINDOWS');
  const languages = child(windows, 'LANGUAGES');
  const archCode = decimal(windows, 'ARCH');
  return {
    index: parseIndex(image),
    name: text(image, 'NAME'),
    description: text(image, 'DESCRIPTION'),
    displayName: text(image, 'DISPLAYNAME'),
    displayDescription: text(image, 'DISPLAYDESCRIPTION'),
    flags: text(image, 'FLAGS'),
    editionId: text(windows, 'EDITIONID'),
    productName: text(windows, 'PRODUCTNAME'),
    productType: text(windows, 'PRODUCTTYPE'),
    productSuite: text(windows, 'PRODUCTSUITE'),
    installationType: text(windows, 'INSTALLATIONTYPE'),
    hal: text(windows, 'HAL'),
    systemRoot: text(windows, 'SYSTEMROOT'),
    architecture: archCode === null ? null : (WIM_ARCHITECTURES[archCode] ?? null),
    architectureCode: archCode,
    version: parseVersion(windows),
    languages: children(languages, 'LANGUAGE').map((l) => decodeEntities(l['#text'] ?? '')),
    defaultLanguage: text(languages, 'DEFAULT'),
    totalBytes: decimal(image, 'TOTALBYTES'),
    hardLinkBytes: decimal(image, 'HARDLINKBYTES'),
    dirCount: decimal(image, 'DIRCOUNT'),
    fileCount: decimal(image, 'FILECOUNT'),
    created: filetime(image, 'CREATIONTIME'),
    modified: filetime(image, 'LASTMODIFICATIONTIME'),
    // wimlib reads WIMBOOT as a number and treats anything unparsable as 0.
    wimBoot: /^[0-9]+$/.test(text(image, 'WIMBOOT') ?? '') && Number(text(image, 'WIMBOOT')) !== 0,
  };
}

/** Parses a WIM's XML resource (raw bytes as stored) into its editions, sorted by index. */
export function parseWimXml(xmlBytes: Buffer): WimInfo {
  if (xmlBytes.length > MediaLimits.maxWimXmlBytes) {
    throw new MediaLimitError('wim', `XML resource of ${xmlBytes.length} bytes exceeds ${MediaLimits.maxWimXmlBytes}`);
  }
  const xml = decodeWimXmlText(xmlBytes);
  // WIM XML never declares a DTD; refusing one rules out entity-expansion attacks.
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw corrupt('document type declarations are not allowed');
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw corrupt(`not well-formed: ${valid.err.msg} (line ${valid.err.line})`);
  let doc: XmlNode;
  try {
    doc = parser.parse(xml) as XmlNode;
  } catch (err) {
    // fast-xml-parser throws plain Errors, e.g. for tag names such as __proto__.
    throw new MediaCorruptError('wim', `XML: ${(err as Error).message}`, { cause: err });
  }
  const roots = Object.keys(doc).filter((k) => !k.startsWith('?') && k !== '#text');
  const wim = child(doc, 'WIM');
  if (roots.length !== 1 || wim === undefined || children(doc, 'WIM').length !== 1) {
    throw corrupt(`root element must be <WIM>, found ${roots.map((r) => `<${r}>`).join(', ') || 'none'}`);
  }
  const editions = children(wim, 'IMAGE').map(parseEdition);
  editions.sort((a, b) => a.index - b.index);
  editions.forEach((e, i) => {
    if (e.index !== i + 1) {
      throw corrupt(`images must be indexed 1..${editions.length} exactly once, found index ${e.index} at position ${i + 1}`);
    }
  });
  const esd = child(wim, 'ESD');
  return {
    totalBytes: decimal(wim, 'TOTALBYTES'),
    editions,
    encrypted: child(esd, 'ENCRYPTED') !== undefined,
  };
}
