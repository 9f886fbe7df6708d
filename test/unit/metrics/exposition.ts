// A strict reader of the Prometheus text exposition format (0.0.4), written for the tests:
// every line must parse, and every sample must belong to a family declared with HELP and
// TYPE before it. Also reads one sample's value out of a registry.
import type { Registry } from 'prom-client';

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  help: string;
  type: string;
}

export interface Exposition {
  families: Map<string, Family>;
  samples: Sample[];
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const META = new RegExp(`^# (HELP|TYPE) (${NAME}) (.*)$`);
const SAMPLE = new RegExp(`^(${NAME})(?:\\{(.*)\\})? (\\S+)(?: (-?\\d+))?$`);
const LABEL = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\\\|\\"|\\n)*)"(,|$)/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);
const SUFFIXES: Record<string, string[]> = { histogram: ['_bucket', '_sum', '_count'], summary: ['_sum', '_count', ''] };

function parseLabels(text: string, line: string): Record<string, string> {
  const out: Record<string, string> = {};
  let rest = text;
  while (rest.length) {
    const m = LABEL.exec(rest);
    if (!m) throw new Error(`bad labels in: ${line}`);
    out[m[1]!] = m[2]!.replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
    rest = rest.slice(m[0].length);
  }
  return out;
}

/** A float as Prometheus reads it (Go's ParseFloat: Inf and NaN in any letter case; prom-client writes "Nan"). */
function parseValue(v: string, line: string): number {
  const special = v.toLowerCase();
  if (special === '+inf' || special === 'inf') return Infinity;
  if (special === '-inf') return -Infinity;
  if (special === 'nan') return NaN;
  const n = Number(v);
  if (v === '' || Number.isNaN(n)) throw new Error(`bad value in: ${line}`);
  return n;
}

/** The family a sample name belongs to, given the families declared so far. */
function familyOf(name: string, families: Map<string, Family>): string | null {
  const f = families.get(name);
  if (f && !SUFFIXES[f.type]) return name;
  for (const [base, fam] of families) {
    for (const s of SUFFIXES[fam.type] ?? []) if (name === base + s) return base;
  }
  return null;
}

/** Parses exposition text; throws naming the first line that breaks the format. */
export function parseExposition(text: string): Exposition {
  if (!text.endsWith('\n')) throw new Error('exposition must end with a newline');
  const families = new Map<string, Family & { seen: Set<string> }>();
  const samples: Sample[] = [];
  for (const line of text.slice(0, -1).split('\n')) {
    if (line === '') continue;
    const meta = META.exec(line);
    if (meta) {
      const [, kind, name, rest] = meta as unknown as [string, 'HELP' | 'TYPE', string, string];
      const f = families.get(name) ?? { help: '', type: '', seen: new Set<string>() };
      if (f.seen.has(kind)) throw new Error(`duplicate ${kind} for ${name}`);
      f.seen.add(kind);
      if (kind === 'TYPE' && !TYPES.has(rest)) throw new Error(`unknown type in: ${line}`);
      if (kind === 'HELP') f.help = rest;
      else f.type = rest;
      families.set(name, f);
      continue;
    }
    if (line.startsWith('#')) throw new Error(`unexpected comment: ${line}`);
    const m = SAMPLE.exec(line);
    if (!m) throw new Error(`unparsable line: ${line}`);
    const name = m[1]!;
    const fam = familyOf(name, families);
    if (!fam) throw new Error(`sample before its HELP/TYPE: ${line}`);
    const f = families.get(fam)!;
    if (!f.seen.has('HELP') || !f.seen.has('TYPE')) throw new Error(`family ${fam} lacks HELP or TYPE`);
    samples.push({ name, labels: parseLabels(m[2] ?? '', line), value: parseValue(m[3]!, line) });
  }
  return { families: new Map([...families].map(([k, v]) => [k, { help: v.help, type: v.type }])), samples };
}

/** The value of the sample with this name and exactly these labels, or 0 when absent. */
export function sampleValue(e: Exposition, name: string, labels: Record<string, string> = {}): number {
  const want = JSON.stringify(Object.entries(labels).sort());
  const s = e.samples.find((x) => x.name === name && JSON.stringify(Object.entries(x.labels).sort()) === want);
  return s?.value ?? 0;
}

/** Scrapes a registry and reads one sample (0 when absent). */
export async function read(registry: Registry, name: string, labels: Record<string, string> = {}): Promise<number> {
  return sampleValue(parseExposition(await registry.metrics()), name, labels);
}
