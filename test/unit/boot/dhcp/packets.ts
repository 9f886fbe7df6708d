// Builders for the DHCP requests the tests feed vizor, shaped like captures of real firmware.
import { DhcpOption, MessageType, type DhcpOptionEntry, type DhcpPacket } from '../../../../src/boot/dhcp/index.js';

export const GUID = Buffer.from('00' + '33221100554477668899aabbccddeeff', 'hex');
export const UUID = '00112233-4455-6677-8899-aabbccddeeff';

export interface RequestSpec {
  type?: number;
  mac?: string;
  xid?: number;
  ciaddr?: string;
  giaddr?: string;
  flags?: number;
  options?: DhcpOptionEntry[];
}

/** A BOOTREQUEST with option 53 first, then `options`. */
export function request(s: RequestSpec = {}): DhcpPacket {
  const mac = Buffer.from((s.mac ?? '52:54:00:12:34:56').split(':').map((h) => parseInt(h, 16)));
  const chaddr = Buffer.alloc(16);
  mac.copy(chaddr);
  return {
    op: 1,
    htype: 1,
    hlen: 6,
    hops: 0,
    xid: s.xid ?? 0x1234abcd,
    secs: 4,
    flags: s.flags ?? 0,
    ciaddr: s.ciaddr ?? '0.0.0.0',
    yiaddr: '0.0.0.0',
    siaddr: '0.0.0.0',
    giaddr: s.giaddr ?? '0.0.0.0',
    chaddr,
    sname: '',
    file: '',
    options: [{ code: DhcpOption.DhcpMessageType, data: Buffer.from([s.type ?? MessageType.Discover]) }, ...(s.options ?? [])],
  };
}

export const opt = (code: number, data: Buffer | string | number[]): DhcpOptionEntry => ({
  code,
  data: Buffer.isBuffer(data) ? data : typeof data === 'string' ? Buffer.from(data, 'latin1') : Buffer.from(data),
});
export const ipOpt = (code: number, ip: string): DhcpOptionEntry => opt(code, ip.split('.').map(Number));
const arch = (n: number) => opt(DhcpOption.ClientSystemArchitecture, [n >> 8, n & 255]);
const prl = (...codes: number[]) => opt(DhcpOption.ParameterRequestList, codes);

/** Options of the firmware vizor meets, as they send them in a DISCOVER. */
export const firmware = {
  /** QEMU/SeaBIOS NIC ROM: iPXE itself (user class bare `iPXE`, option 175). */
  seabiosIpxeRom: [opt(57, [5, 0xc0]), arch(0), opt(94, [1, 2, 1]), opt(97, GUID), opt(60, 'PXEClient:Arch:00000:UNDI:002001'), opt(77, 'iPXE'), prl(1, 3, 6, 7, 12, 15, 17, 26, 43, 60, 66, 67, 119, 128, 129, 130, 131, 132, 133, 134, 135, 175, 203), opt(175, [0xb1, 5, 1, 0x80, 0x86, 0x10, 0x0e, 0x13, 1, 1, 0x16, 1, 1, 0x12, 1, 1])],
  /** A plain BIOS PXE ROM (Intel-style). */
  biosPxe: [opt(57, [4, 0xec]), prl(1, 2, 3, 5, 6, 11, 12, 13, 15, 16, 17, 18, 43, 54, 60, 67, 128, 129, 130, 131, 132, 133, 134, 135), opt(97, GUID), opt(94, [1, 2, 1]), arch(0), opt(60, 'PXEClient:Arch:00000:UNDI:002001')],
  /** OVMF (EDK2) PXE over IPv4. */
  ovmfPxe: [opt(57, [5, 0xc0]), prl(1, 2, 3, 4, 5, 6, 12, 13, 15, 17, 18, 22, 23, 28, 40, 41, 42, 43, 50, 51, 54, 58, 59, 60, 66, 67, 97, 128, 129, 130, 131, 132, 133, 134, 135), opt(97, GUID), opt(94, [1, 3, 0]), arch(7), opt(60, 'PXEClient:Arch:00007:UNDI:003000')],
  /** OVMF (EDK2) UEFI HTTP boot. */
  ovmfHttp: [opt(57, [5, 0xc0]), prl(1, 3, 6, 15, 43, 60, 67), opt(97, GUID), opt(94, [1, 3, 0]), arch(16), opt(60, 'HTTPClient:Arch:00016:UNDI:003000')],
  /** undionly.kpxe chainloaded from a BIOS PXE ROM. */
  ipxeChainBios: [opt(57, [5, 0xdc]), arch(0), opt(94, [1, 2, 1]), opt(97, GUID), opt(60, 'PXEClient:Arch:00000:UNDI:002001'), opt(77, 'iPXE'), prl(1, 3, 6, 7, 12, 15, 17, 26, 43, 60, 66, 67, 175), opt(175, [0xb1, 5, 1, 0x80, 0x86, 0x10, 0x0e, 0xeb, 1, 1])],
  /** snponly.efi chainloaded from OVMF, user class in RFC 3004 form and no option 175. */
  ipxeChainEfiRfc3004: [arch(7), opt(97, GUID), opt(60, 'PXEClient:Arch:00007:UNDI:003010'), opt(77, Buffer.concat([Buffer.from([4]), Buffer.from('iPXE')])), prl(1, 3, 6, 15, 43, 60, 66, 67)],
  /** ARM64 UEFI PXE: vizor ships no ARM iPXE. */
  arm64Pxe: [arch(11), opt(60, 'PXEClient:Arch:00011:UNDI:003000')],
  /** Linux dhclient/udhcpc: no PXE at all. */
  linux: [prl(1, 28, 2, 3, 15, 6, 119, 12, 44, 47, 26, 121, 42), opt(12, 'web01')],
} as const;
