import { AnswerFileError } from './errors.js';
import type { InstallCmdValues } from './types.js';

/**
 * cmd.exe has no quoting that survives every character (`%` expands even inside quotes, `!`
 * under delayed expansion, and a `"` ends the quoted span so a later `&` runs a command).
 * So a value in install.cmd is refused, not escaped, when it holds any of these or falls
 * outside printable ASCII (the script is read in the OEM code page).
 */
const CMD_FORBIDDEN = /[&|<>^%"!]/;
const PRINTABLE_ASCII = /^[\x20-\x7E]*$/;
const UNC = /^\\\\[A-Za-z0-9.-]+(?:\\[^\\/:*?]+)+$/;
const USER = /^(?:[A-Za-z0-9._ -]+\\)?[A-Za-z0-9._@ -]+$/;
const DRIVE_PATH = /^[A-Za-z]:\\[^/:*?]+$/;
const NODE_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Refuses a value that could break or inject into a cmd script; returns it unchanged otherwise. */
export function cmdValue(field: string, value: unknown, shape?: { re: RegExp; hint: string }): string {
  if (typeof value !== 'string' || value.length === 0) throw new AnswerFileError(field, 'must be a non-empty string');
  if (value.length > 256) throw new AnswerFileError(field, 'longer than 256 characters');
  if (!PRINTABLE_ASCII.test(value)) throw new AnswerFileError(field, 'must be printable ASCII (install.cmd is read in the OEM code page)');
  const bad = CMD_FORBIDDEN.exec(value);
  if (bad) throw new AnswerFileError(field, `contains the cmd metacharacter ${JSON.stringify(bad[0])}; install.cmd refuses & | < > ^ % " ! in values`);
  if (shape && !shape.re.test(value)) throw new AnswerFileError(field, `${JSON.stringify(value)} is not ${shape.hint}`);
  return value;
}

function int(field: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) throw new AnswerFileError(field, `must be an integer from ${min} to ${max}`);
  return value;
}

/** The install.cmd template context, every value checked by cmdValue. */
export function installCmdContext(v: InstallCmdValues): Record<string, unknown> {
  if (v.firmware !== 'bios' && v.firmware !== 'uefi') throw new AnswerFileError('firmware', `must be "bios" or "uefi", got ${JSON.stringify(v.firmware)}`);
  return {
    nodeId: cmdValue('nodeId', v.nodeId, { re: NODE_ID, hint: 'a node id of letters, digits, dot, dash, underscore' }),
    mediaShare: cmdValue('mediaShare', v.mediaShare, { re: UNC, hint: 'a UNC path like \\\\server\\share' }),
    statusShare: cmdValue('statusShare', v.statusShare, { re: UNC, hint: 'a UNC path like \\\\server\\share' }),
    shareUser: cmdValue('shareUser', v.shareUser, { re: USER, hint: 'a user name like winstall or DOMAIN\\winstall' }),
    sharePassword: cmdValue('sharePassword', v.sharePassword),
    unattendPath: cmdValue('unattendPath', v.unattendPath ?? 'X:\\Windows\\System32\\autounattend.xml', { re: DRIVE_PATH, hint: 'a path like X:\\Windows\\System32\\autounattend.xml' }),
    firmware: v.firmware,
    diskId: int('diskId', v.diskId ?? 0, 0, 63),
    retries: int('retries', v.retries ?? 30, 1, 999),
  };
}
