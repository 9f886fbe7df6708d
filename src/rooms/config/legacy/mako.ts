/** Something the import could not carry over, and why. Secret values are never included. */
export interface UnmappedItem {
  /** Legacy key path (`room test01.teacher_vms.usb`) or `<template>:<line>`. */
  readonly key: string;
  readonly value: string;
  readonly reason: string;
}

/** Shown instead of a secret value. */
export const HIDDEN = '(hidden)';

/** The obvious nunjucks equivalent of each variable amoothei-vm-rollout gave its Mako templates. */
const MAKO_VARS: Readonly<Record<string, string>> = {
  ip: 'vm.ip',
  netmask_as_suffix: 'vm.prefix',
  default_gw: 'vm.gateway',
  ComputerName: 'vm.hostname',
  rhev_vm_name: 'vm.name',
  mac: 'vm.mac',
  MACwin: 'vm.mac | upper | replace(":", "-")',
  scripttime: 'run.time',
  network_name: 'vm.placement.network',
  cluster: 'vm.placement.cluster',
  template: 'vm.template',
  description: 'vm.description',
  os: 'vm.osType',
  timezone: 'vm.timeZone',
  tc_user: 'vm.thinClient.user',
  stateless: 'vm.stateless',
  usb_enabled: 'vm.usb',
};
/** Mako filters with a nunjucks twin; `n` (no default filtering) needs none. */
const MAKO_FILTERS: Readonly<Record<string, string | null>> = { h: 'escape', x: 'escape', u: 'urlencode', trim: 'trim', n: null };

/** What converting a template found besides the new text. */
export interface TemplateConversion {
  readonly text: string;
  readonly unmapped: UnmappedItem[];
  /** Domain join settings read from Microsoft-Windows-UnattendedJoin, if it was there. */
  readonly domain: { name?: string; user?: string; ou?: string; password: boolean } | null;
  /** Template variables that now come from vizor secrets: variable → secret name. */
  readonly secrets: Record<string, string>;
}

interface Edit {
  start: number;
  end: number;
  text: string;
}

const lineAt = (text: string, offset: number): number => text.slice(0, offset).split('\n').length;
const literal = (v: string): boolean => v.trim() !== '' && !v.includes('${');

/** Finds `<tag>value</tag>` inside [from, to) and returns the value's span. */
function element(text: string, tag: string, from: number, to: number): { start: number; end: number; value: string } | null {
  const re = new RegExp(`<${tag}>([^<]*)</${tag}>`, 'g');
  re.lastIndex = from;
  const m = re.exec(text);
  if (!m || m.index >= to) return null;
  const start = m.index + tag.length + 2;
  return { start, end: start + m[1]!.length, value: m[1]! };
}

/**
 * Converts an amoothei-vm-rollout Mako unattend template to nunjucks: known `${var}`
 * become `{{ ... }}`, domain-join credentials and other passwords become references to
 * vizor secrets, and everything without an obvious equivalent is listed, with its line.
 */
export function convertMakoTemplate(text: string, room: string, name: string): TemplateConversion {
  const edits: Edit[] = [];
  const unmapped: UnmappedItem[] = [];
  const secrets: Record<string, string> = {};
  const at = (offset: number): string => `${name}:${lineAt(text, offset)}`;
  const secretReason = (secret: string): string => `secret: store it with vizor secret set ${secret}`;
  let domain: TemplateConversion['domain'] = null;

  const join = /<component\b[^>]*name="Microsoft-Windows-UnattendedJoin"[^>]*>/.exec(text);
  if (join) {
    const end = text.indexOf('</component>', join.index);
    const to = end < 0 ? text.length : end;
    const d: { name?: string; user?: string; ou?: string; password: boolean } = { password: false };
    const replace = (tag: string, expr: string, set: (v: string) => void): void => {
      const el = element(text, tag, join.index, to);
      if (el && literal(el.value)) {
        set(el.value.trim());
        edits.push({ start: el.start, end: el.end, text: `{{ ${expr} }}` });
      }
    };
    replace('JoinDomain', 'domain.name', (v) => (d.name = v));
    replace('MachineObjectOU', 'domain.ou', (v) => (d.ou = v));
    replace('Username', 'domain.user', (v) => (d.user = v));
    replace('Password', 'domain.password', () => (d.password = true));
    if (d.password) unmapped.push({ key: at(element(text, 'Password', join.index, to)!.start), value: HIDDEN, reason: secretReason(`${room}-domain-join`) });
    domain = d;
  }

  // Passwords of the Administrator, AutoLogon and local accounts: <Password><Value>...</Value>.
  // One secret per distinct value, named after its most telling use (admin > autologon > account).
  const found = [...text.matchAll(/<(AdministratorPassword|Password)>\s*<Value>([^<]*)<\/Value>/g)]
    .filter((m) => literal(m[2]!))
    .map((m) => {
      const before = text.slice(Math.max(0, m.index - 400), m.index);
      const rank = m[1] === 'AdministratorPassword' ? 0 : /<AutoLogon>(?![\s\S]*<\/AutoLogon>)/.test(before) ? 1 : 2;
      return { value: m[2]!, start: m.index + m[0].length - '</Value>'.length - m[2]!.length, rank };
    });
  const variables = new Map<string, string>();
  for (const f of [...found].sort((a, b) => a.rank - b.rank || a.start - b.start)) {
    if (variables.has(f.value)) continue;
    const variable = ['adminPassword', 'autoLogonPassword', `accountPassword${variables.size + 1}`][f.rank]!;
    variables.set(f.value, variable);
    secrets[variable] = `${room}-${variable.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
  }
  const reported = new Set<string>();
  for (const f of found) {
    const variable = variables.get(f.value)!;
    if (!reported.has(variable)) unmapped.push({ key: at(f.start), value: HIDDEN, reason: secretReason(secrets[variable]!) });
    reported.add(variable);
    edits.push({ start: f.start, end: f.start + f.value.length, text: `{{ secrets.${variable} }}` });
  }
  for (const m of text.matchAll(/<PlainText>\s*false\s*<\/PlainText>/gi)) {
    unmapped.push({ key: at(m.index), value: 'PlainText=false', reason: 'the secret would have to hold the encoded form; set PlainText to true (vizor protects the payload instead)' });
  }
  // `net use X: \\srv\share /user:NAME PASSWORD`: the word after the user is its password.
  let shares = 0;
  for (const m of text.matchAll(/^.*\/user:.*$/gim)) {
    const pw = /(\bnet\s+use\b[^<\n]*?\/user:\S+\s+)([^\s/<*$][^\s<]*)/i.exec(m[0]);
    if (!pw) {
      unmapped.push({ key: at(m.index), value: HIDDEN, reason: 'possible inline credential (/user: on this line): move it to a vizor secret by hand' });
      continue;
    }
    const variable = `sharePassword${++shares > 1 ? shares : ''}`;
    secrets[variable] = `${room}-${variable.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    const start = m.index + pw.index + pw[1]!.length;
    edits.push({ start, end: start + pw[2]!.length, text: `{{ secrets.${variable} }}` });
    unmapped.push({ key: at(start), value: HIDDEN, reason: secretReason(secrets[variable]!) });
  }

  for (const m of text.matchAll(/\$\{([^}]*)\}/g)) {
    const [variable, ...filters] = m[1]!.split('|').map((s) => s.trim());
    const base = MAKO_VARS[variable!];
    const mapped = filters.map((f) => MAKO_FILTERS[f]);
    if (!base || mapped.some((f) => f === undefined)) {
      unmapped.push({ key: at(m.index), value: m[0], reason: 'Mako expression with no obvious nunjucks equivalent; left as written: edit the template by hand' });
      continue;
    }
    const expr = [base, ...mapped.filter((f): f is string => f !== null)].join(' | ');
    edits.push({ start: m.index, end: m.index + m[0].length, text: `{{ ${expr} }}` });
  }
  for (const m of text.matchAll(/^[ \t]*(%(?!%)|##).*$|<%[\s\S]*?%>/gm)) {
    unmapped.push({ key: at(m.index), value: m[0].trim().slice(0, 60), reason: 'Mako control code has no automatic nunjucks equivalent; left as written: rewrite it by hand' });
  }
  // Text that nunjucks would read as its own syntax is emitted as a string literal.
  for (const m of text.matchAll(/\{[{%#]/g)) edits.push({ start: m.index, end: m.index + 2, text: `{{ "${m[0]}" }}` });

  unmapped.sort((a, b) => Number(a.key.split(':').pop()) - Number(b.key.split(':').pop()));
  return { text: applyEdits(text, edits), unmapped, domain, secrets };
}

function applyEdits(text: string, edits: Edit[]): string {
  let out = '';
  let pos = 0;
  for (const e of [...edits].sort((a, b) => a.start - b.start)) {
    if (e.start < pos) continue; // overlaps an earlier edit: keep the first
    out += text.slice(pos, e.start) + e.text;
    pos = e.end;
  }
  return out + text.slice(pos);
}
