/**
 * Decodes an ECMA-167 1/7.3 timestamp (12 bytes) at `offset` into a Date, or null when
 * it is absent or impossible. The low 12 bits of the first field are a signed offset
 * from UTC in minutes; -2047 means "not specified" and is read as UTC.
 */
export function decodeTimestamp(buf: Buffer, offset: number): Date | null {
  if (offset < 0 || offset + 12 > buf.length) return null;
  const typeAndZone = buf.readUInt16LE(offset);
  const year = buf.readInt16LE(offset + 2);
  const month = buf[offset + 4]!;
  const day = buf[offset + 5]!;
  const hour = buf[offset + 6]!;
  const minute = buf[offset + 7]!;
  const second = buf[offset + 8]!;
  const centi = buf[offset + 9]!;
  const hundredMicro = buf[offset + 10]!;
  if (year === 0 && month === 0 && day === 0) return null;
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return null;
  let zone = typeAndZone & 0x0fff;
  if (zone & 0x800) zone -= 0x1000;
  const offsetMinutes = zone === -2047 || zone < -1440 || zone > 1440 ? 0 : zone;
  const ms = Date.UTC(year, month - 1, day, hour, minute, second, Math.min(centi, 99) * 10 + Math.floor(Math.min(hundredMicro, 99) / 10));
  const date = new Date(ms - offsetMinutes * 60_000);
  return Number.isNaN(date.getTime()) ? null : date;
}
