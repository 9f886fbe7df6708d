import { readFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { Document, isSeq } from 'yaml';
import { LegacyImportError } from '../errors.js';
import { compactIds } from '../ids.js';
import { loadRoomText } from '../load.js';
import { ROOM_NAME_RE, type RoomConfig } from '../schema.js';
import { mapLegacyGroup, type ImportLog, type MappedGroup } from './group.js';
import { parseConfigObj, subsection, valueText, type IniSection } from './ini.js';
import { convertMakoTemplate, HIDDEN, type TemplateConversion, type UnmappedItem } from './mako.js';

/** Options for importLegacyRoom. */
export interface LegacyImportOptions {
  /** Which `[room <name>]` to import; needed when the file has several. */
  readonly room?: string;
  /** vizor hypervisor entry the room uses; default: the host of `[general][[connect]] url`. */
  readonly hypervisor?: string;
  /** Returns the text of an `autounattend_templatefile` (path as written), or undefined. */
  readonly readTemplate?: (path: string) => string | undefined;
  /** Name for the YAML in messages; default `<room>.yaml`. */
  readonly file?: string;
}

/** A converted unattend template to write beside the room file. */
export interface ConvertedTemplate {
  readonly source: string;
  readonly target: string;
  readonly text: string;
}

/** The result of importing one legacy room. */
export interface LegacyImport {
  readonly yaml: string;
  readonly room: RoomConfig;
  /** What was not carried over, and why; secret values are never included. */
  readonly unmapped: UnmappedItem[];
  readonly templates: ConvertedTemplate[];
  /** Conversions worth knowing about (USB now explicit, DHCP instead of addresses, ...). */
  readonly notes: string[];
}

const roomSections = (root: IniSection): IniSection[] => root.sections.filter((s) => /^room\s+\S/.test(s.name));
const roomNameOf = (s: IniSection): string => s.name.replace(/^room\s+/, '').trim();

/** Names of the rooms a legacy configuration defines, in file order. */
export function listLegacyRooms(text: string): string[] {
  return roomSections(parseConfigObj(text)).map(roomNameOf);
}

/** Reports the [general] and [logging] settings, none of which belong in a room file. */
function reportGlobal(root: IniSection, hv: string, log: ImportLog): void {
  const walk = (sec: IniSection, path: string): void => {
    for (const [k, v] of sec.values) {
      const key = `${path}.${k}`;
      if (/passw/i.test(k)) log.unmapped.push({ key, value: HIDDEN, reason: `secret: store it with vizor secret set ${hv}-api (the hypervisor entry's password)` });
      else if (path.startsWith('general.connect')) log.unmapped.push({ key, value: valueText(v), reason: `hypervisor connection: register it as vizor hypervisor entry "${hv}" (kind ovirt)` });
      else if (path === 'logging') log.unmapped.push({ key, value: valueText(v), reason: 'vizor logs to the journal; no logging configuration is needed' });
      else if (path === 'general') log.unmapped.push({ key, value: valueText(v), reason: 'vizor builds and delivers payloads itself; the SFTP/NFS floppy chain is not needed' });
      else log.unmapped.push({ key, value: valueText(v), reason: 'not an amoothei-vm-rollout setting vizor knows' });
    }
    for (const sub of sec.sections) walk(sub, `${path}.${sub.name}`);
  };
  for (const sec of root.sections) if (!/^room\s/.test(sec.name)) walk(sec, sec.name);
  for (const [k, v] of root.values) log.unmapped.push({ key: k, value: /passw/i.test(k) ? HIDDEN : valueText(v), reason: 'top-level key outside any section' });
}

function hypervisorName(root: IniSection, given: string | undefined): string {
  if (given) return given;
  const url = subsection(subsection(root, 'general') ?? root, 'connect')?.values.get('url');
  try {
    const host = url ? new URL(valueText(url)).hostname.replace(/[^A-Za-z0-9._-]/g, '-') : '';
    return host || 'ovirt';
  } catch {
    return 'ovirt';
  }
}

const canonical = (v: unknown): string =>
  JSON.stringify(v, (_k, x: unknown) => (x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : 1))) : x));

/** Moves settings every group shares up to the room (one level into objects), so the YAML shows what differs. */
function hoist(groups: Record<string, unknown>[]): Record<string, unknown> {
  const room: Record<string, unknown> = {};
  const keys = new Set(groups.flatMap((g) => Object.keys(g)));
  for (const key of keys) {
    const values = groups.map((g) => g[key]);
    if (values.some((v) => v === undefined)) continue;
    if (values.every((v) => canonical(v) === canonical(values[0]))) {
      room[key] = values[0];
      for (const g of groups) delete g[key];
      continue;
    }
    if (values.every((v) => v && typeof v === 'object' && !Array.isArray(v))) {
      const objs = values as Record<string, unknown>[];
      const shared: Record<string, unknown> = {};
      for (const sub of Object.keys(objs[0]!)) {
        if (objs.every((o) => o[sub] !== undefined && canonical(o[sub]) === canonical(objs[0]![sub]))) shared[sub] = objs[0]![sub];
      }
      if (Object.keys(shared).length === 0) continue;
      room[key] = shared;
      for (const o of objs) for (const sub of Object.keys(shared)) delete o[sub];
      for (const g of groups) if (Object.keys(g[key] as object).length === 0) delete g[key];
    }
  }
  return room;
}

/** Converts each distinct template file once; the room then points at the nunjucks copy. */
function convertTemplates(groups: MappedGroup[], room: string, opts: LegacyImportOptions, log: ImportLog): { conversions: Map<string, TemplateConversion>; templates: ConvertedTemplate[] } {
  const conversions = new Map<string, TemplateConversion>();
  const templates: ConvertedTemplate[] = [];
  for (const file of new Set(groups.map((g) => g.templateFile).filter((f): f is string => f !== null))) {
    const text = opts.readTemplate?.(file);
    if (text === undefined) {
      log.unmapped.push({ key: `[room ${room}].autounattend_templatefile`, value: file, reason: 'Mako template not read, so not converted: convert it (vizor room import reads it beside the .conf) or point unattend.template at a nunjucks template' });
      continue;
    }
    const target = `${file.replace(/\.(template|mako|tmpl)$/i, '')}.njk`;
    const conv = convertMakoTemplate(text, room, file);
    conversions.set(file, conv);
    templates.push({ source: file, target, text: conv.text });
    log.unmapped.push(...conv.unmapped);
  }
  return { conversions, templates };
}

/**
 * Converts one room of an amoothei-vm-rollout configuration (ConfigObj INI) to vizor's
 * room YAML. `ids` and `memory` are parsed by a closed expression parser, never run;
 * passwords are not copied (the YAML gets secret references and `unmapped` says which
 * `vizor secret set` to run). Throws LegacyImportError or RoomExpressionError-based
 * LegacyImportError naming the section, key and line when something cannot be read.
 */
export function importLegacyRoom(text: string, opts: LegacyImportOptions = {}): LegacyImport {
  const root = parseConfigObj(text);
  const rooms = roomSections(root);
  if (rooms.length === 0) throw new LegacyImportError('no [room <name>] section found');
  const section = opts.room ? rooms.find((s) => roomNameOf(s) === opts.room) : rooms.length === 1 ? rooms[0] : undefined;
  if (!section) {
    const names = rooms.map(roomNameOf).join(', ');
    throw new LegacyImportError(opts.room ? `room "${opts.room}" is not defined (rooms: ${names})` : `the file defines several rooms (${names}): choose one`);
  }
  const name = roomNameOf(section);
  if (!ROOM_NAME_RE.test(name)) throw new LegacyImportError(`room name "${name}" is not a valid vizor room name (letters, digits and -)`, section.line);
  const hv = hypervisorName(root, opts.hypervisor);
  const log: ImportLog = { unmapped: [], notes: [] };
  reportGlobal(root, hv, log);
  for (const [k, v] of section.values) {
    log.unmapped.push({ key: `[room ${name}].${k}`, value: /passw/i.test(k) ? HIDDEN : valueText(v), reason: 'outside any [[group]]; the legacy tool ignored it' });
  }
  if (section.sections.length === 0) throw new LegacyImportError(`room "${name}" has no [[group]] subsections`, section.line);
  const groups = section.sections.map((g) => mapLegacyGroup(name, g, log));
  const { conversions, templates } = convertTemplates(groups, name, opts, log);

  const groupSettings = groups.map((g) => {
    const s = { ...g.settings };
    const conv = g.templateFile ? conversions.get(g.templateFile) : undefined;
    if (g.templateFile) {
      const target = templates.find((t) => t.source === g.templateFile)?.target ?? g.templateFile;
      s.unattend = { template: target, ...(conv && Object.keys(conv.secrets).length ? { secrets: conv.secrets } : {}) };
    }
    const d = conv?.domain;
    if (d?.name && d.user) s.domain = { name: d.name, ...(d.ou ? { ou: d.ou } : {}), user: d.user, passwordSecret: `${name}-domain-join` };
    else if (d) log.unmapped.push({ key: `${g.templateFile}:UnattendedJoin`, value: d.name ?? '', reason: 'domain join found without both a JoinDomain and a Username; set domain by hand' });
    return s;
  });
  const shared = hoist(groupSettings);
  const doc = new Document({
    room: name,
    hypervisor: hv,
    ...shared,
    groups: groups.map((g, i) => ({ name: g.name, ids: compactIds(g.ids), ...groupSettings[i] })),
  });
  // Short lists read best inline: ids: [1, 2-4].
  groups.forEach((_g, i) => {
    const seq = doc.getIn(['groups', i, 'ids'], true);
    if (isSeq(seq)) seq.flow = true;
  });
  doc.commentBefore = ` Imported from amoothei-vm-rollout room "${name}" by vizor room import.\n Review what the import reported as not carried over before rolling this room out.`;
  const yaml = doc.toString({ lineWidth: 0 });
  const file = opts.file ?? `${name}.yaml`;
  const room = loadRoomText(yaml, file, { checkTemplateFiles: false });
  return { yaml, room, unmapped: log.unmapped, templates, notes: log.notes };
}

/**
 * Imports a room from a legacy configuration file, reading its unattend templates from
 * paths relative to the file (as the legacy tool did). Throws LegacyImportError when the
 * file cannot be read.
 */
export function importLegacyRoomFile(path: string, opts: Omit<LegacyImportOptions, 'readTemplate'> = {}): LegacyImport {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new LegacyImportError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, undefined, { cause: err });
  }
  const dir = dirname(resolve(path));
  const readTemplate = (p: string): string | undefined => {
    try {
      return readFileSync(resolve(dir, p), 'utf8');
    } catch {
      return undefined;
    }
  };
  return importLegacyRoom(text, { ...opts, readTemplate, file: opts.file ?? `${opts.room ?? basename(path).replace(/\.conf$/, '')}.yaml` });
}
