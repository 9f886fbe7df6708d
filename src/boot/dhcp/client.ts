import { clientMac } from './codec.js';
import { clientArch, clientUuid, DhcpOption, getOption, hasIpxeOption, hostName, userClass, vendorClass } from './options.js';
import type { DhcpPacket } from './types.js';

/** What a request says about the machine and its boot firmware. */
export interface DhcpClient {
  /** chaddr in lower-case colon form. */
  readonly mac: string;
  /** The first client architecture (option 93, else the `Arch:` field of option 60), or null. */
  readonly arch: number | null;
  /** Every architecture of option 93, in order. */
  readonly archs: readonly number[];
  /** Option 60 starts with `PXEClient`. */
  readonly isPxe: boolean;
  /** Option 60 starts with `HTTPClient` (UEFI HTTP boot). */
  readonly isHttpBoot: boolean;
  /** Already iPXE: user class `iPXE` (either form) or option 175 present. */
  readonly isIpxe: boolean;
  /** Option 97 as a UUID string, or null. */
  readonly uuid: string | null;
  /** Option 97 as received, to echo back (PXE spec), or null. */
  readonly machineId: Buffer | null;
  readonly vendorClass: string | null;
  readonly userClass: readonly string[];
  readonly hostname: string | null;
}

/** Classifies a request's client from options 60, 77, 93, 97 and 175. */
export function classifyClient(p: DhcpPacket): DhcpClient {
  const vc = vendorClass(p);
  const archs = clientArch(p);
  const fromVc = vc ? /:Arch:(\d{5})/.exec(vc) : null;
  const arch = archs[0] ?? (fromVc ? Number(fromVc[1]) : null);
  const uc = userClass(p);
  return {
    mac: clientMac(p),
    arch,
    archs,
    isPxe: vc?.startsWith('PXEClient') ?? false,
    isHttpBoot: vc?.startsWith('HTTPClient') ?? false,
    isIpxe: uc.includes('iPXE') || hasIpxeOption(p),
    uuid: clientUuid(p),
    machineId: getOption(p, DhcpOption.ClientMachineId) ?? null,
    vendorClass: vc,
    userClass: uc,
    hostname: hostName(p),
  };
}

/** Client system architectures (RFC 4578 §2.1 and the IANA registry) that vizor can boot. */
export const Arch = {
  BiosX86: 0,
  EfiX86: 6,
  EfiX64: 7,
  EfiBc: 9,
  EfiX64Http: 16,
} as const;

/** What vizor needs to know to pick a boot file. */
export interface BootFileConfig {
  /** Address clients reach vizor's TFTP and HTTP servers on (the receiving interface's). */
  readonly serverAddress: string;
  readonly httpPort: number;
  readonly efiBootFile: 'snponly.efi' | 'ipxe.efi';
}

/** The boot file to hand a client. */
export interface BootChoice {
  /** `tftp` (file is a TFTP path relative to siaddr) or `http` (file is a URL). */
  readonly transport: 'tftp' | 'http';
  readonly file: string;
  /** Why: bios, efi, efi-http or ipxe. */
  readonly firmware: 'bios' | 'efi' | 'efi-http' | 'ipxe';
  /** Option 60 to send back (`PXEClient` / `HTTPClient`), or null. */
  readonly vendorClass: 'PXEClient' | 'HTTPClient' | null;
}

/** The query of the iPXE script URL; iPXE expands each `${...}` from its own settings (ipxe.org/cfg). */
export const IPXE_SCRIPT_QUERY = 'mac=${mac:hexhyp}&uuid=${uuid}&buildarch=${buildarch}&platform=${platform}';

/** The iPXE boot script URL for a server: `http://<addr>:<port>/boot/ipxe?mac=${mac:hexhyp}&...`. */
export const ipxeScriptUrl = (address: string, httpPort: number): string => `http://${address}:${httpPort}/boot/ipxe?${IPXE_SCRIPT_QUERY}`;

/** The URL UEFI HTTP boot clients load iPXE from: `http://<addr>:<port>/boot/<efiBootFile>`. */
export const httpBootUrl = (address: string, httpPort: number, file: string): string => `http://${address}:${httpPort}/boot/${file}`;

/**
 * Picks the boot file: iPXE gets the HTTP script URL (breaking the chainload loop), UEFI HTTP boot
 * an HTTP URL of iPXE, BIOS PXE `undionly.kpxe` and x64 UEFI PXE the configured EFI build over TFTP.
 * Null when the client is not a network-boot client or its architecture has no iPXE build here.
 */
export function chooseBootFile(client: DhcpClient, cfg: BootFileConfig): BootChoice | null {
  const echo = client.isHttpBoot ? 'HTTPClient' : client.isPxe ? 'PXEClient' : null;
  if (client.isIpxe) return { transport: 'http', file: ipxeScriptUrl(cfg.serverAddress, cfg.httpPort), firmware: 'ipxe', vendorClass: echo };
  if (client.isHttpBoot) {
    if (client.arch !== Arch.EfiX64Http) return null;
    return { transport: 'http', file: httpBootUrl(cfg.serverAddress, cfg.httpPort, cfg.efiBootFile), firmware: 'efi-http', vendorClass: 'HTTPClient' };
  }
  if (!client.isPxe) return null;
  if (client.arch === Arch.BiosX86) return { transport: 'tftp', file: 'undionly.kpxe', firmware: 'bios', vendorClass: 'PXEClient' };
  if (client.arch === Arch.EfiX64 || client.arch === Arch.EfiBc) return { transport: 'tftp', file: cfg.efiBootFile, firmware: 'efi', vendorClass: 'PXEClient' };
  return null;
}
