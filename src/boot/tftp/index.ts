// vizor's read-only TFTP server (RFC 1350/2347/2348/2349/7440): the one entry point for boot/tftp.
export { TftpServer } from './server.js';
export type { TftpEventDetail, TftpEventHandler, TftpEventKind, TftpServerOptions } from './config.js';
export type { TftpGenerate, TftpPeer } from './request.js';
export type { TftpClock } from './transfer.js';
export {
  TftpAccessError,
  TftpBindError,
  TftpBusyError,
  TftpConfigError,
  TftpDecodeError,
  TftpEncodeError,
  TftpErrorCode,
  TftpIoError,
  TftpNotFoundError,
  TftpUnsupportedError,
  type TftpError,
} from './errors.js';
export { decodeTftp, encodeTftp, type TftpOption, type TftpPacket, type TftpRequest } from './codec.js';
