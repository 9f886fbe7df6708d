/**
 * The local side of ISO payloads: vizor writes the payload image into the folder an ISO SR
 * mounts (payloadDir, the same NFS/CIFS share mounted on the vizor host) and deletes it
 * after use. XAPI only learns about the file through SR.scan (payloads.ts).
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { HvConfigError, HvRequestError } from '../errors.js';

const platform = 'xenserver' as const;

/** What an ISO SR lists: `.iso` and `.img` files (any case); nothing else becomes a VDI. */
const IMAGE_RE = /\.(iso|img)$/i;

const codeOf = (err: unknown): string => String((err as NodeJS.ErrnoException | null)?.code ?? (err as Error | null)?.message ?? err);

/**
 * Checks that `name` can be a file in an ISO SR's folder that the SR lists: one plain path
 * segment, not hidden, ending in .iso or .img. HvRequestError otherwise.
 */
export function checkPayloadName(name: string): string {
  const bad = (why: string): HvRequestError => new HvRequestError(`xenserver: payload name ${JSON.stringify(name)} ${why}`, { platform });
  if (!name || name.length > 255) throw bad('must be 1 to 255 characters');
  if (/[/\\\0]/.test(name) || name.startsWith('.')) throw bad('must be a plain file name (no path, not hidden)');
  if (!IMAGE_RE.test(name)) throw bad('must end in .iso or .img: an ISO SR lists no other files');
  return name;
}

/**
 * Copies the image at `source` into `dir` as `name`, created 0600 (the payload may hold a
 * domain password). It is written under a hidden temporary name without an image
 * extension and then renamed, so a scan running meanwhile (another VM's attach, XAPI's
 * periodic auto-scan) never lists a half-written image. Returns the final path.
 */
export async function writePayloadFile(dir: string, name: string, source: string): Promise<string> {
  checkPayloadName(name);
  try {
    if (!(await stat(source)).isFile()) throw Object.assign(new Error('not a file'), { code: 'ENOTFILE' });
  } catch (err) {
    throw new HvRequestError(`xenserver: cannot read payload image ${source}: ${codeOf(err)}`, { platform, cause: err });
  }
  const target = join(dir, name);
  const temp = join(dir, `.${name}.${randomBytes(6).toString('hex')}.part`);
  try {
    await pipeline(createReadStream(source), createWriteStream(temp, { flags: 'wx', mode: 0o600 }));
    await rename(temp, target);
  } catch (err) {
    await rm(temp, { force: true }).catch(() => undefined);
    if ((err as NodeJS.ErrnoException).path === source) {
      throw new HvRequestError(`xenserver: cannot read payload image ${source}: ${codeOf(err)}`, { platform, cause: err });
    }
    throw dirError(dir, `cannot write ${name} into`, err);
  }
  return target;
}

/** Deletes `name` from `dir`; a file already gone is fine. */
export async function removePayloadFile(dir: string, name: string): Promise<void> {
  checkPayloadName(name);
  try {
    await rm(join(dir, name), { force: true });
  } catch (err) {
    throw dirError(dir, `cannot delete ${name} from`, err);
  }
}

/** A failure in payloadDir: configuration (the share is not mounted there, or not writable). */
function dirError(dir: string, what: string, err: unknown): HvConfigError {
  return new HvConfigError(
    `xenserver: ${what} payloadDir ${dir}: ${codeOf(err)} (payloadDir must be the payloadSr's storage folder, mounted on this host and writable by vizor)`,
    { platform, cause: err },
  );
}
