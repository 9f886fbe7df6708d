import { AnswerFileError } from './errors.js';

/**
 * Which unattend setting a password is for. Windows SIM (and Setup when it reads
 * `PlainText=false`) stores base64(UTF-16LE(password + suffix)), where the suffix is the
 * element name: `AdministratorPassword` for UserAccounts/AdministratorPassword and
 * `Password` for LocalAccount/Password and AutoLogon/Password.
 */
export type PasswordKind = 'administrator' | 'account';

const SUFFIX: Record<PasswordKind, string> = { administrator: 'AdministratorPassword', account: 'Password' };

/** Encodes a password as Windows SIM does for a `PlainText=false` value. */
export function encodeUnattendPassword(password: string, kind: PasswordKind): string {
  return Buffer.from(password + SUFFIX[kind], 'utf16le').toString('base64');
}

/** Decodes a `PlainText=false` value back to the password; throws ANSWER_FILE if the suffix is wrong. */
export function decodeUnattendPassword(encoded: string, kind: PasswordKind): string {
  const text = Buffer.from(encoded, 'base64').toString('utf16le');
  const suffix = SUFFIX[kind];
  if (!text.endsWith(suffix)) throw new AnswerFileError('password', `encoded value does not end with the ${suffix} suffix`);
  return text.slice(0, -suffix.length);
}
