/**
 * Maps oVirt HTTP failures to vizor's hypervisor errors. The engine answers a refused
 * request with an HTTP status and `<fault><reason/><detail/></fault>`; 409 is used both for
 * "wrong state" (VM is running) and for "locked, try again later", which are told apart by
 * the engine's own lock messages.
 */
import {
  HvAuthError,
  HvNotFoundError,
  HvRequestError,
  HvStateError,
  HvTransientError,
  type HypervisorError,
} from '../errors.js';
import { child, parseXml, text } from './xml.js';

/** The `<fault>` body of a failed request. */
export interface OvirtFault {
  readonly reason: string;
  readonly detail: string;
}

/** Reads a `<fault>` (or an `<action>` carrying one) from a response body; null if none. */
export function parseFault(body: string): OvirtFault | null {
  let doc;
  try {
    doc = parseXml(body);
  } catch {
    return null;
  }
  return faultOf(doc);
}

/** The `<fault>` (or `<action>` carrying one) of an already parsed document; null if none. */
export function faultOf(doc: ReturnType<typeof parseXml>): OvirtFault | null {
  const fault = child(doc, 'fault') ?? child(child(doc, 'action'), 'fault');
  if (!fault) return null;
  return { reason: text(fault, 'reason') ?? '', detail: text(fault, 'detail') ?? '' };
}

/**
 * The engine's "locked" messages (ACTION_TYPE_FAILED_OBJECT_LOCKED, ..._VM_IS_LOCKED,
 * ..._DISKS_LOCKED, snapshot in progress): retrying later succeeds.
 */
const BUSY = /\blocked\b|currently in progress|currently being|try again in a few minutes/i;

/** True when a 409 detail says the object is only temporarily locked. */
export function isBusyFault(fault: OvirtFault | null): boolean {
  return fault !== null && BUSY.test(`${fault.reason} ${fault.detail}`);
}

/** The error for a failed API call: `what` names the call, e.g. `POST /vms`. */
export function errorForStatus(status: number, fault: OvirtFault | null, what: string): HypervisorError {
  const said = fault ? [fault.reason, fault.detail].filter((s) => s !== '').join(': ') : '';
  const failure = { platform: 'ovirt' as const, platformCode: String(status), platformMessage: said || undefined };
  const message = `ovirt: ${what} failed: HTTP ${status}${said ? ` ${said}` : ''}`;
  if (status === 401 || status === 403) return new HvAuthError(message, failure);
  if (status === 404) return new HvNotFoundError(message, failure);
  if (status === 409) return isBusyFault(fault) ? new HvTransientError(message, failure) : new HvStateError(message, failure);
  if (status === 400 && /entity not found/i.test(said)) return new HvNotFoundError(message, failure);
  if (status >= 500 || status === 429) return new HvTransientError(message, failure);
  return new HvRequestError(message, failure);
}
