/** One option as it appeared on the wire (RFC 3396 instances already concatenated). */
export interface DhcpOptionEntry {
  readonly code: number;
  readonly data: Buffer;
}

/** BOOTP op: 1 request (client to server), 2 reply. */
export type BootpOp = 1 | 2;

/** A decoded DHCPv4/BOOTP message (RFC 2131 §2). Addresses are dotted quads. */
export interface DhcpPacket {
  readonly op: BootpOp;
  readonly htype: number;
  readonly hlen: number;
  readonly hops: number;
  readonly xid: number;
  readonly secs: number;
  /** Bit 15 is the broadcast flag; the rest must be zero but is kept as received. */
  readonly flags: number;
  readonly ciaddr: string;
  readonly yiaddr: string;
  readonly siaddr: string;
  readonly giaddr: string;
  /** The 16-byte client hardware address field; the first `hlen` bytes are the address. */
  readonly chaddr: Buffer;
  /** Server host name (64-byte field, NUL-terminated); '' when absent or overloaded. */
  readonly sname: string;
  /** Boot file name (128-byte field, NUL-terminated); '' when absent or overloaded. */
  readonly file: string;
  /** Options in wire order, except PAD, END and overload (52), which the codec consumes. */
  readonly options: readonly DhcpOptionEntry[];
}

/** DHCP message types (option 53, RFC 2132 §9.6). */
export const MessageType = {
  Discover: 1,
  Offer: 2,
  Request: 3,
  Decline: 4,
  Ack: 5,
  Nak: 6,
  Release: 7,
  Inform: 8,
} as const;

/** One of the DHCP message type values. */
export type MessageTypeValue = (typeof MessageType)[keyof typeof MessageType];

/** The broadcast bit of `flags` (RFC 2131 §2, figure 2). */
export const BROADCAST_FLAG = 0x8000;
