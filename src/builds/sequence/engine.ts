import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultTemplatesDir } from '../../templates/index.js';
import { SequenceArgumentError } from './errors.js';

/** The name the engine is served and saved under. */
export const ENGINE_FILE = 'vizor-sequence.ps1';

/** Windows limits an answer file's FirstLogonCommands CommandLine to 1024 characters. */
export const COMMAND_LINE_LIMIT = 1024;

/** The folder of the engine's parts, in run order by file name. */
export function engineDir(templatesDir = defaultTemplatesDir()): string {
  return join(templatesDir, 'windows', 'sequence', 'engine');
}

const cache = new Map<string, string>();

/**
 * The engine as one script: `engine/NN-*.ps1` joined in name order (kept in parts
 * only to keep each file small; the guest downloads one file). Cached per folder.
 */
export function engineScript(templatesDir = defaultTemplatesDir()): string {
  const hit = cache.get(templatesDir);
  if (hit !== undefined) return hit;
  const dir = engineDir(templatesDir);
  let parts: string[];
  try {
    parts = readdirSync(dir).filter((f) => /^\d\d-[a-z-]+\.ps1$/.test(f)).sort();
  } catch (err) {
    throw new SequenceArgumentError(`cannot read the sequence engine from ${dir}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
  }
  if (parts.length === 0) throw new SequenceArgumentError(`no engine parts (NN-name.ps1) in ${dir}`);
  const text = parts.map((f) => readFileSync(join(dir, f), 'utf8').replace(/\r\n/g, '\n').trimEnd()).join('\n\n') + '\n';
  cache.set(templatesDir, text);
  return text;
}

/** Callback bases vizor hands out: http(s), a host name or address, an optional port, no quoting hazards. */
const BASE = /^https?:\/\/([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(:\d{1,5})?(\/[A-Za-z0-9._~\/-]*)?$/;
/** Callback tokens: URL-safe base64 and similar. */
const TOKEN = /^[A-Za-z0-9_-]{8,128}$/;

/**
 * The FirstLogonCommands command line that downloads the engine (retrying while the
 * network comes up) and registers it to run as SYSTEM. Only single quotes appear inside
 * the -Command string and base and token are restricted to characters that need no
 * quoting, so the line survives XML escaping, cmd.exe and %VAR% expansion unchanged.
 */
export function firstLogonCommand(base: string, token: string): string {
  const b = base.replace(/\/+$/, '');
  if (!BASE.test(b)) throw new SequenceArgumentError(`callback base ${JSON.stringify(base)} is not an http(s) URL of plain host, port and path`);
  // The token is a secret: say what is wrong with it, never what it is.
  if (!TOKEN.test(token)) throw new SequenceArgumentError('callback token must be 8-128 characters of A-Z, a-z, 0-9, "_" or "-"');
  const url = `${b}/callbacks/${token}/${ENGINE_FILE}`;
  const ps = [
    // The engine's own default folder: its state file lives beside it.
    "$d=$env:ProgramData+'\\vizor'",
    `$f=$d+'\\${ENGINE_FILE}'`,
    'New-Item -ItemType Directory -Force -Path $d|Out-Null',
    `for($i=1;$i -le 60;$i++){try{(New-Object Net.WebClient).DownloadFile('${url}',$f);break}catch{Start-Sleep -Seconds 10}}`,
    `& $f -Base '${b}' -Token '${token}' -Register`,
  ].join(';');
  const line = `powershell.exe -NoProfile -ExecutionPolicy Bypass -Command "${ps}"`;
  if (line.length > COMMAND_LINE_LIMIT) throw new SequenceArgumentError(`the first-logon command would be ${line.length} characters; Windows allows ${COMMAND_LINE_LIMIT} (use a shorter callback base)`);
  return line;
}
