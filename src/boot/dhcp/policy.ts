import type { DhcpPacket } from './types.js';

/** A lease as the lease store keeps it (structurally DhcpLease of src/store/dhcp.ts). Times are epoch ms. */
export interface LeaseRecord {
  readonly mac: string;
  readonly ip: string;
  readonly hostname: string | null;
  readonly state: 'offered' | 'bound' | 'released';
  readonly expiresAt: number;
}

/** A fixed address for a MAC (structurally DhcpReservation). */
export interface ReservationRecord {
  readonly mac: string;
  readonly ip: string;
  readonly hostname: string | null;
}

/** The reads planReply needs; DhcpRepo satisfies it. */
export interface LeaseReader {
  lease(mac: string): LeaseRecord | null;
  leaseByIp(ip: string): LeaseRecord | null;
  reservation(mac: string): ReservationRecord | null;
  reservationByIp(ip: string): ReservationRecord | null;
  isDeclined(ip: string, nowMs: number): boolean;
}

/** The persisted lease store the server writes through; DhcpRepo satisfies it structurally. */
export interface LeaseStore extends LeaseReader {
  leases(): LeaseRecord[];
  reservations(): ReservationRecord[];
  saveLease(l: LeaseRecord): void;
  removeLease(mac: string): void;
  decline(ip: string, untilMs: number): void;
}

/** Addresses handed out in full mode, one subnet. */
export interface PoolConfig {
  readonly start: string;
  readonly end: string;
  /** Subnet mask of the pool; default: the serving interface's. */
  readonly netmask?: string;
  readonly router: string | null;
  readonly dns: readonly string[];
  readonly domain: string | null;
  readonly leaseSeconds: number;
}

/** Everything planReply decides with besides the request and the leases. */
export interface DhcpPolicy {
  readonly mode: 'full' | 'proxy';
  readonly pool: PoolConfig | null;
  readonly httpPort: number;
  readonly efiBootFile: 'snponly.efi' | 'ipxe.efi';
  /** UDP ports: server (67) and client (68). */
  readonly ports: { readonly server: number; readonly client: number };
  /** Where broadcast replies go (255.255.255.255). */
  readonly broadcastAddress: string;
  /** How long an offered address is held for the client. */
  readonly offerHoldSeconds: number;
  /** How long a declined address stays out of the pool. */
  readonly declineHoldSeconds: number;
}

/** An interface vizor serves on. */
export interface DhcpInterface {
  readonly name: string;
  readonly address: string;
  readonly netmask: string;
}

/** A decoded datagram and where it came from. */
export interface DhcpRequest {
  readonly packet: DhcpPacket;
  readonly from: { readonly address: string; readonly port: number };
  readonly iface: DhcpInterface;
  /** `server` for port 67, `proxy` for the PXE port 4011. */
  readonly via: 'server' | 'proxy';
}

/** Lease store state as planReply sees it. */
export interface DhcpState {
  readonly now: number;
  readonly leases: LeaseReader;
  /** Where the pool scan for a new address starts (just after the last one offered); default the pool start. */
  readonly scanFrom?: string;
}

/** A change to the lease store that a plan asks the server to make. */
export type LeaseEffect =
  | { readonly kind: 'save'; readonly lease: LeaseRecord }
  | { readonly kind: 'remove'; readonly mac: string }
  | { readonly kind: 'decline'; readonly ip: string; readonly untilMs: number };

/** What planReply decided: the reply and where to send it (or none), and the lease changes. */
export interface ReplyPlan {
  readonly kind: 'offer' | 'ack' | 'nak' | 'proxy-offer' | 'proxy-ack' | 'none';
  readonly reply: DhcpPacket | null;
  readonly to: { readonly address: string; readonly port: number } | null;
  readonly effects: readonly LeaseEffect[];
  /** What to record with the event (ip, boot file, reason, ...). */
  readonly detail: Readonly<Record<string, unknown>>;
}
