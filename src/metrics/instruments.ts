import { Counter, Histogram, Registry } from 'prom-client';

// Every label below takes values from a short fixed list (message types, outcomes, route
// groups, status classes): never a MAC, IP, path or file name, so series stay bounded.

/** How a DHCP datagram was handled. */
export type DhcpOutcome = 'offered' | 'acked' | 'nak' | 'ignored' | 'malformed' | 'error';

/** Why a TFTP transfer ended without delivering the whole file. */
export type TftpFailure = 'client-abort' | 'timeout' | 'shutdown' | 'error';

/** Why a TFTP request was refused before any transfer started. */
export type TftpRefusal = 'not-found' | 'access' | 'busy' | 'unsupported' | 'malformed' | 'error';

/** The HTTP route groups vizor reports; anything else is 'other'. */
export type HttpRouteGroup = 'boot' | 'answers' | 'media' | 'api' | 'other';

/** DHCP counters and latency. */
export interface DhcpMetrics {
  readonly received: Counter<'type'>;
  readonly sent: Counter<'type'>;
  readonly outcomes: Counter<'outcome'>;
  readonly handling: Histogram<'outcome'>;
}

/** TFTP transfer counters, bytes and durations. */
export interface TftpMetrics {
  readonly started: Counter;
  readonly completed: Counter;
  readonly failed: Counter<'reason'>;
  readonly refused: Counter<'reason'>;
  readonly sentBytes: Counter;
  readonly duration: Histogram<'outcome'>;
}

/** HTTP request counters, latency and media bytes. */
export interface HttpMetrics {
  readonly requests: Counter<'route' | 'status_class'>;
  readonly duration: Histogram<'route'>;
  readonly mediaSentBytes: Counter;
}

/** Catalog scan durations. */
export interface CatalogMetrics {
  readonly scanDuration: Histogram<'status'>;
}

/** All of vizor's own instruments, registered on one registry. */
export interface VizorMetrics {
  readonly registry: Registry;
  readonly dhcp: DhcpMetrics;
  readonly tftp: TftpMetrics;
  readonly http: HttpMetrics;
  readonly catalog: CatalogMetrics;
}

/** Creates vizor's counters and histograms on `registry` (a fresh one per test, the shared one in production). */
export function createMetrics(registry: Registry = new Registry()): VizorMetrics {
  const registers = [registry];
  return {
    registry,
    dhcp: {
      received: new Counter({ name: 'vizor_dhcp_received_packets_total', help: 'DHCP datagrams received, by DHCP message type (none = BOOTP, malformed = undecodable).', labelNames: ['type'], registers }),
      sent: new Counter({ name: 'vizor_dhcp_sent_packets_total', help: 'DHCP replies sent, by DHCP message type.', labelNames: ['type'], registers }),
      outcomes: new Counter({ name: 'vizor_dhcp_handled_packets_total', help: 'DHCP datagrams handled, by outcome (offered, acked, nak, ignored, malformed, error).', labelNames: ['outcome'], registers }),
      handling: new Histogram({
        name: 'vizor_dhcp_handling_duration_seconds',
        help: 'Time from receiving a DHCP datagram to handing the reply to the socket, by outcome.',
        labelNames: ['outcome'],
        buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25],
        registers,
      }),
    },
    tftp: {
      started: new Counter({ name: 'vizor_tftp_transfers_started_total', help: 'TFTP transfers started (read requests accepted).', registers }),
      completed: new Counter({ name: 'vizor_tftp_transfers_completed_total', help: 'TFTP transfers whose every block was acknowledged.', registers }),
      failed: new Counter({ name: 'vizor_tftp_transfers_failed_total', help: 'TFTP transfers that ended early, by reason (client-abort, timeout, shutdown, error).', labelNames: ['reason'], registers }),
      refused: new Counter({ name: 'vizor_tftp_requests_refused_total', help: 'TFTP requests refused before a transfer (not-found, access, busy, unsupported, malformed, error).', labelNames: ['reason'], registers }),
      sentBytes: new Counter({ name: 'vizor_tftp_sent_bytes_total', help: 'File bytes delivered by completed TFTP transfers.', registers }),
      duration: new Histogram({
        name: 'vizor_tftp_transfer_duration_seconds',
        help: 'TFTP transfer duration from start to the last ACK or failure, by outcome (completed, failed).',
        labelNames: ['outcome'],
        buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
        registers,
      }),
    },
    http: {
      requests: new Counter({ name: 'vizor_http_requests_total', help: 'HTTP requests answered, by route group and status class.', labelNames: ['route', 'status_class'], registers }),
      duration: new Histogram({
        name: 'vizor_http_request_duration_seconds',
        help: 'HTTP request duration until the response is finished or the connection closes, by route group.',
        labelNames: ['route'],
        buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
        registers,
      }),
      mediaSentBytes: new Counter({ name: 'vizor_http_media_sent_bytes_total', help: 'Body bytes of files inside ISOs sent by /media.', registers }),
    },
    catalog: {
      scanDuration: new Histogram({
        name: 'vizor_catalog_scan_duration_seconds',
        help: 'Catalog scan runs in this process, from start to finish, by status (done, failed).',
        labelNames: ['status'],
        buckets: [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600],
        registers,
      }),
    },
  };
}

/**
 * The process-wide instruments behind /metrics. Servers use them unless a test passes its
 * own; process metrics are added only when /metrics is mounted, so CLI runs pay nothing.
 */
export const sharedMetrics: VizorMetrics = createMetrics(new Registry());

/** The registry /metrics exposes. */
export const registry: Registry = sharedMetrics.registry;

const DHCP_TYPES = ['', 'discover', 'offer', 'request', 'decline', 'ack', 'nak', 'release', 'inform'] as const;

/** The label for a DHCP message type (RFC 2132 §9.6): its name, 'none' without option 53, 'other' when unknown. */
export function dhcpTypeLabel(type: number | null): string {
  if (type === null) return 'none';
  return DHCP_TYPES[type] || 'other';
}
