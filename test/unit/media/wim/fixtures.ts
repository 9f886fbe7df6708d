// Test-only encoders: build WIM headers and XML resources byte by byte.

/** A resource header to encode; flags default to 0x02 (metadata), as wimlib writes XML. */
export interface ResSpec {
  size: number | bigint;
  flags?: number;
  offset: number | bigint;
  originalSize?: number | bigint;
}

/** Fields of a header to encode; anything left out takes a normal single-part WIM value. */
export interface HeaderSpec {
  magic?: string;
  headerSize?: number;
  version?: number;
  flags?: number;
  chunkSize?: number;
  guid?: string;
  partNumber?: number;
  totalParts?: number;
  imageCount?: number;
  blobTable?: ResSpec;
  xml?: ResSpec;
  bootMetadata?: ResSpec;
  bootIndex?: number;
  integrity?: ResSpec;
}

function writeRes(buf: Buffer, at: number, res: ResSpec | undefined): void {
  if (!res) return;
  const size = BigInt(res.size);
  buf.writeBigUInt64LE(size | (BigInt(res.flags ?? 0x02) << 56n), at);
  buf.writeBigUInt64LE(BigInt(res.offset), at + 8);
  buf.writeBigUInt64LE(BigInt(res.originalSize ?? res.size), at + 16);
}

/** Encodes a 208-byte WIM header. */
export function encodeHeader(spec: HeaderSpec = {}): Buffer {
  const buf = Buffer.alloc(208);
  buf.write(spec.magic ?? 'MSWIM\0\0\0', 0, 'latin1');
  buf.writeUInt32LE(spec.headerSize ?? 208, 0x08);
  buf.writeUInt32LE(spec.version ?? 0x10d00, 0x0c);
  buf.writeUInt32LE(spec.flags ?? 0x40082, 0x10);
  buf.writeUInt32LE(spec.chunkSize ?? 32768, 0x14);
  Buffer.from(spec.guid ?? '00112233445566778899aabbccddeeff', 'hex').copy(buf, 0x18);
  buf.writeUInt16LE(spec.partNumber ?? 1, 0x28);
  buf.writeUInt16LE(spec.totalParts ?? 1, 0x2a);
  buf.writeUInt32LE(spec.imageCount ?? 1, 0x2c);
  writeRes(buf, 0x30, spec.blobTable);
  writeRes(buf, 0x48, spec.xml);
  writeRes(buf, 0x60, spec.bootMetadata);
  buf.writeUInt32LE(spec.bootIndex ?? 0, 0x78);
  writeRes(buf, 0x7c, spec.integrity);
  return buf;
}

/** UTF-16LE with BOM, as WIMGAPI and wimlib store the XML. */
export function utf16(xml: string): Buffer {
  return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(xml, 'utf16le')]);
}

/** A whole in-memory WIM: header, then the XML resource right after it. */
export function wimWithXml(xml: Buffer, header: Omit<HeaderSpec, 'xml'> & { xmlFlags?: number } = {}): Buffer {
  const head = encodeHeader({ ...header, xml: { size: xml.length, offset: 208, flags: header.xmlFlags ?? 0x02 } });
  return Buffer.concat([head, xml]);
}

/** One IMAGE element with the given inner XML. */
export function image(index: number | string, inner = ''): string {
  return `<IMAGE INDEX="${index}">${inner}</IMAGE>`;
}
