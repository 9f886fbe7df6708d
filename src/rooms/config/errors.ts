import { VizorError } from '../../errors.js';

/** What kind of problem offline validation found; stable strings for --json output. */
export type RoomProblemKind =
  | 'schema'
  | 'duplicate-name'
  | 'duplicate-address'
  | 'duplicate-mac'
  | 'duplicate-id'
  | 'address-outside-subnet'
  | 'address-in-dhcp-pool'
  | 'network-address'
  | 'broadcast-address'
  | 'address-is-gateway'
  | 'gateway-outside-subnet'
  | 'name-too-long'
  | 'name-invalid'
  | 'missing-template'
  | 'missing-hypervisor';

/** One problem in a room configuration, located by its YAML path (and file/line when known). */
export interface RoomProblem {
  readonly kind: RoomProblemKind;
  /** Path inside the room file, e.g. `groups[1].ids[2]`; empty for the whole document. */
  readonly path: string;
  readonly message: string;
  readonly room?: string;
  /** The VM the problem concerns, when there is one. */
  readonly vm?: string;
  readonly file?: string;
  /** 1-based line and column of the YAML node, when the room was loaded from text. */
  readonly line?: number;
  readonly column?: number;
}

/** Formats a problem as one line: `file:line:col: path: message`. */
export function formatRoomProblem(p: RoomProblem): string {
  const where = p.file ? `${p.file}${p.line ? `:${p.line}${p.column ? `:${p.column}` : ''}` : ''}: ` : '';
  const path = p.path ? `${p.path}: ` : '';
  return `${where}${path}${p.message}`;
}

/** A room configuration is invalid; lists every problem found, not just the first. */
export class RoomConfigError extends VizorError {
  readonly code = 'ROOM_CONFIG_INVALID' as const;
  constructor(readonly problems: readonly RoomProblem[], options?: { cause?: unknown }) {
    super(
      problems.length === 1
        ? `invalid room configuration: ${formatRoomProblem(problems[0]!)}`
        : `invalid room configuration (${problems.length} problems): ${problems.map(formatRoomProblem).join('; ')}`,
      options,
    );
  }
}

/**
 * A legacy expression (`ids`, `memory`) or an addressing formula is not in the small
 * language vizor accepts. Carries the key and the text as written; such text never holds
 * secrets, so it is safe to show.
 */
export class RoomExpressionError extends VizorError {
  readonly code = 'ROOM_EXPRESSION' as const;
  constructor(readonly key: string, readonly expression: string, readonly reason: string) {
    super(`${key} = ${JSON.stringify(expression.length > 80 ? `${expression.slice(0, 77)}...` : expression)}: ${reason}`);
  }
}

/** A legacy amoothei-vm-rollout configuration cannot be read or converted. */
export class LegacyImportError extends VizorError {
  readonly code = 'ROOM_IMPORT' as const;
  constructor(message: string, readonly line?: number, options?: { cause?: unknown }) {
    super(line ? `line ${line}: ${message}` : message, options);
  }
}
