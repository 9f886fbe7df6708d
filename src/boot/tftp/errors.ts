import { VizorError } from '../../errors.js';

/** RFC 1350 §5 error codes carried in ERROR packets (u16), plus RFC 2347's 8. */
export const TftpErrorCode = {
  NotDefined: 0,
  FileNotFound: 1,
  AccessViolation: 2,
  DiskFull: 3,
  IllegalOperation: 4,
  UnknownTid: 5,
  FileExists: 6,
  NoSuchUser: 7,
  OptionRefused: 8,
} as const;

/** One of the RFC 1350/2347 error numbers. */
export type TftpErrorNumber = (typeof TftpErrorCode)[keyof typeof TftpErrorCode];

/** A datagram is not a well-formed TFTP packet (too short, unknown opcode, missing NUL, bad UTF-8). */
export class TftpDecodeError extends VizorError {
  readonly code = 'TFTP_DECODE' as const;
  constructor(message: string) {
    super(`tftp decode: ${message}`);
  }
}

/** A packet cannot be encoded: a string would contain NUL, or a number is out of u16 range. */
export class TftpEncodeError extends VizorError {
  readonly code = 'TFTP_ENCODE' as const;
  constructor(message: string) {
    super(`tftp encode: ${message}`);
  }
}

/** A request was refused: jail escape, forbidden characters, write request, unsupported mode. */
export class TftpAccessError extends VizorError {
  readonly code = 'TFTP_ACCESS' as const;
  constructor(readonly file: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A request asks for something vizor does not do: a mode other than octet/netascii. */
export class TftpUnsupportedError extends VizorError {
  readonly code = 'TFTP_UNSUPPORTED' as const;
  constructor(readonly file: string, message: string) {
    super(message);
  }
}

/** A requested file does not exist under the root (or is not a regular file). */
export class TftpNotFoundError extends VizorError {
  readonly code = 'TFTP_NOT_FOUND' as const;
  constructor(readonly file: string, message = `no such file: ${file}`, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The server already runs its maximum number of transfers; the client may retry later. */
export class TftpBusyError extends VizorError {
  readonly code = 'TFTP_BUSY' as const;
  constructor(readonly limit: number) {
    super(`too many transfers (${limit}), try again later`);
  }
}

/** Reading a file being served failed, or the file changed size during the transfer. */
export class TftpIoError extends VizorError {
  readonly code = 'TFTP_IO' as const;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The server could not bind its socket; the message says which address and how to fix it. */
export class TftpBindError extends VizorError {
  readonly code = 'TFTP_BIND' as const;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** TftpServer options are impossible (blksize or windowsize out of range, no root, bad timeout). */
export class TftpConfigError extends VizorError {
  readonly code = 'TFTP_CONFIG' as const;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Every TFTP error, for narrowing in callers. */
export type TftpError =
  | TftpDecodeError
  | TftpEncodeError
  | TftpAccessError
  | TftpUnsupportedError
  | TftpNotFoundError
  | TftpIoError
  | TftpBusyError
  | TftpBindError
  | TftpConfigError;

/** Maps a vizor error to the RFC 1350 error number sent to the client (0 for anything else). */
export function tftpErrorNumber(err: unknown): TftpErrorNumber {
  if (err instanceof TftpAccessError) return TftpErrorCode.AccessViolation;
  if (err instanceof TftpNotFoundError) return TftpErrorCode.FileNotFound;
  if (err instanceof TftpDecodeError || err instanceof TftpUnsupportedError) return TftpErrorCode.IllegalOperation;
  return TftpErrorCode.NotDefined;
}

/**
 * The text sent to the client in an ERROR packet. Refusals stay generic so server paths and
 * the reason for a jail refusal (which is logged) are not disclosed.
 */
export function tftpErrorText(err: unknown): string {
  if (err instanceof TftpAccessError) return 'access violation';
  if (err instanceof TftpNotFoundError) return 'file not found';
  if (err instanceof TftpUnsupportedError || err instanceof TftpBusyError) return err.message;
  return 'internal error';
}
