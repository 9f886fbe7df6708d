import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import { RoomConfigError, type RoomProblem } from './errors.js';
import { isBuiltinTemplate } from './resolve.js';
import { roomSchema, siteSchema, type RoomConfig, type RoomSettings } from './schema.js';
import { lineOf, parseYamlWithLines, pathString, suggestKey } from './source.js';

/** Where vizor looks for room files by default. */
export const DEFAULT_ROOMS_DIR = '/etc/vizor/rooms.d';
/** The site defaults file inside a rooms directory, used by rooms without a `site:` key. */
export const SITE_FILE_NAMES = ['site.yaml', 'site.yml'];

/** Every key name the schemas know, for "did you mean" hints. */
function schemaKeys(schema: z.ZodType, out = new Set<string>()): Set<string> {
  if (schema instanceof z.ZodObject) {
    for (const [k, v] of Object.entries(schema.shape as Record<string, z.ZodType>)) {
      out.add(k);
      schemaKeys(v, out);
    }
  } else if (schema instanceof z.ZodOptional || schema instanceof z.ZodNullable) schemaKeys(schema.unwrap() as z.ZodType, out);
  else if (schema instanceof z.ZodArray) schemaKeys(schema.element as z.ZodType, out);
  else if (schema instanceof z.ZodUnion) for (const o of schema.options as z.ZodType[]) schemaKeys(o, out);
  return out;
}
const KNOWN_KEYS = [...schemaKeys(roomSchema)];

/**
 * Removes inline passwords before validation and reports each one: a room file references
 * secrets by name and never holds them. The value is never echoed.
 */
function extractInlinePasswords(node: unknown, path: PropertyKey[], room: string, problems: RoomProblem[]): void {
  if (Array.isArray(node)) node.forEach((v, i) => extractInlinePasswords(v, [...path, i], room, problems));
  if (typeof node !== 'object' || node === null || Array.isArray(node)) return;
  const obj = node as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    const inSecretsMap = path[path.length - 1] === 'secrets';
    if (/passw(or)?d/i.test(key) && key !== 'passwordSecret' && !inSecretsMap && typeof obj[key] !== 'object') {
      const isDomain = path[path.length - 1] === 'domain';
      const name = isDomain ? `${room}-domain-join` : `${room}-${key.replace(/[^A-Za-z0-9]+/g, '-').toLowerCase()}`;
      const use = isDomain ? `passwordSecret: ${name}` : `unattend.secrets: { ${key}: ${name} }`;
      problems.push({
        kind: 'schema',
        path: pathString([...path, key]),
        message: `inline passwords are not allowed: store it with "vizor secret set ${name}" and write ${use}`,
      });
      delete obj[key];
    } else extractInlinePasswords(obj[key], [...path, key], room, problems);
  }
}

function zodProblems(error: z.ZodError, lines: Record<string, number>, file: string, prefix: PropertyKey[] = []): RoomProblem[] {
  const out: RoomProblem[] = [];
  for (const issue of error.issues) {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const hint = suggestKey(key, KNOWN_KEYS);
        const p = pathString([...path, key]);
        out.push({ kind: 'schema', path: p, message: `unknown key "${key}"${hint ? ` (did you mean "${hint}"?)` : ''}`, file, ...lineOf(lines, p) });
      }
      continue;
    }
    const p = pathString(path);
    out.push({ kind: 'schema', path: p, message: issue.message, file, ...lineOf(lines, p) });
  }
  return out;
}

function readText(file: string, problems: RoomProblem[], path = ''): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    problems.push({ kind: 'schema', path, message: `cannot read ${file}: ${code}`, file });
    return null;
  }
}

function parseYaml(text: string, file: string, problems: RoomProblem[]): { value: Record<string, unknown>; lines: Record<string, number> } | null {
  const { parsed, problems: yamlProblems } = parseYamlWithLines(text, file);
  problems.push(...yamlProblems);
  if (!parsed) return null;
  if (typeof parsed.value !== 'object' || parsed.value === null || Array.isArray(parsed.value)) {
    problems.push({ kind: 'schema', path: '', message: 'the top level must be a mapping (room: <name>, groups: [...])', file, line: 1 });
    return null;
  }
  return { value: parsed.value as Record<string, unknown>, lines: parsed.lines };
}

/** Loads a site defaults file: settings only, every problem with its line. */
function loadSite(file: string, room: string, problems: RoomProblem[]): RoomSettings | null {
  const text = readText(file, problems);
  const doc = text === null ? null : parseYaml(text, file, problems);
  if (!doc) return null;
  const before = problems.length;
  extractInlinePasswords(doc.value, [], room, problems);
  for (let i = before; i < problems.length; i++) problems[i] = { ...problems[i]!, file, ...lineOf(doc.lines, problems[i]!.path) };
  const r = siteSchema.safeParse(doc.value);
  if (!r.success) problems.push(...zodProblems(r.error, doc.lines, file));
  return r.success ? r.data : null;
}

/** Unattend templates given as paths must exist (relative to the room file). */
function checkTemplateFiles(room: RoomConfig, dir: string, lines: Record<string, number>, file: string, problems: RoomProblem[]): void {
  const levels: [string, RoomSettings | undefined][] = [['', room], ...room.groups.map((g, i): [string, RoomSettings] => [`groups[${i}].`, g])];
  for (const [prefix, level] of levels) {
    const t = level?.unattend?.template;
    if (!t || isBuiltinTemplate(t)) continue;
    const abs = isAbsolute(t) ? t : resolve(dir, t);
    if (!existsSync(abs)) {
      const p = `${prefix}unattend.template`;
      problems.push({ kind: 'schema', path: p, message: `unattend template file ${abs} does not exist`, file, ...lineOf(lines, p) });
    }
  }
}

/** Orders load problems by file and line, so messages read top to bottom. */
function sortByLine(problems: RoomProblem[]): RoomProblem[] {
  return problems
    .map((p, i) => ({ p, i }))
    .sort((a, b) => ((a.p.file ?? '') < (b.p.file ?? '') ? -1 : (a.p.file ?? '') > (b.p.file ?? '') ? 1 : (a.p.line ?? 0) - (b.p.line ?? 0) || a.i - b.i))
    .map((x) => x.p);
}

/** Options for loading room text. */
export interface LoadRoomOptions {
  /** Site defaults file used when the room has no `site:` key. */
  readonly defaultSiteFile?: string;
  /** Check that unattend template files exist (default true; the importer turns it off). */
  readonly checkTemplateFiles?: boolean;
}

/**
 * Parses and validates one room from YAML text. `file` names it in messages and anchors
 * relative paths (site file, unattend template). Throws RoomConfigError with every problem.
 */
export function loadRoomText(text: string, file: string, opts: LoadRoomOptions = {}): RoomConfig {
  const problems: RoomProblem[] = [];
  const doc = parseYaml(text, file, problems);
  if (!doc) throw new RoomConfigError(problems);
  const raw = doc.value;
  const roomName = typeof raw.room === 'string' ? raw.room : 'room';
  extractInlinePasswords(raw, [], roomName, problems);
  for (let i = 0; i < problems.length; i++) problems[i] = { ...problems[i]!, file, ...lineOf(doc.lines, problems[i]!.path) };
  const dir = dirname(resolve(file));
  const siteFile = typeof raw.site === 'string' ? resolve(dir, raw.site) : raw.site === undefined ? opts.defaultSiteFile : undefined;
  if (siteFile !== undefined) {
    const before = problems.length;
    const site = loadSite(siteFile, roomName, problems);
    if (site) raw.site = site;
    else if (problems.length === before) problems.push({ kind: 'schema', path: 'site', message: `cannot load site defaults ${siteFile}`, file });
  }
  const r = roomSchema.safeParse(raw);
  if (!r.success) problems.push(...zodProblems(r.error, doc.lines, file));
  if (r.success && opts.checkTemplateFiles !== false) checkTemplateFiles(r.data, dir, doc.lines, file, problems);
  if (problems.length > 0) throw new RoomConfigError(sortByLine(problems));
  return { ...r.data!, source: { file, lines: doc.lines } };
}

/** Loads and validates one room file (see loadRoomText). */
export function loadRoomFile(path: string, opts: LoadRoomOptions = {}): RoomConfig {
  const problems: RoomProblem[] = [];
  const text = readText(path, problems);
  if (text === null) throw new RoomConfigError(problems);
  return loadRoomText(text, path, opts);
}

/**
 * Loads every `*.yaml`/`*.yml` room in a directory (default /etc/vizor/rooms.d; a missing
 * default directory means no rooms). `site.yaml` there holds defaults for rooms without a
 * `site:` key. Problems of all files, and rooms defined twice, come in one RoomConfigError.
 */
export function loadRooms(dir?: string): RoomConfig[] {
  const d = dir ?? DEFAULT_ROOMS_DIR;
  let names: string[];
  try {
    names = readdirSync(d);
  } catch (err) {
    if (dir === undefined && (err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new RoomConfigError([{ kind: 'schema', path: '', message: `cannot read rooms directory ${d}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, file: d }]);
  }
  const siteName = SITE_FILE_NAMES.find((n) => names.includes(n));
  const defaultSiteFile = siteName ? join(d, siteName) : undefined;
  const problems: RoomProblem[] = [];
  const rooms: RoomConfig[] = [];
  const seen = new Map<string, string>();
  for (const name of names.filter((n) => /\.ya?ml$/.test(n) && !SITE_FILE_NAMES.includes(n)).sort()) {
    const file = join(d, name);
    try {
      const room = loadRoomFile(file, defaultSiteFile ? { defaultSiteFile } : {});
      const other = seen.get(room.room.toLowerCase());
      if (other) problems.push({ kind: 'schema', path: 'room', message: `room "${room.room}" is also defined in ${other}`, file, ...lineOf(room.source!.lines, 'room') });
      else {
        seen.set(room.room.toLowerCase(), file);
        rooms.push(room);
      }
    } catch (err) {
      if (!(err instanceof RoomConfigError)) throw err;
      problems.push(...err.problems);
    }
  }
  if (problems.length > 0) throw new RoomConfigError(problems);
  return rooms.sort((a, b) => (a.room < b.room ? -1 : 1));
}
