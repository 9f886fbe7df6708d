/** The default VM name pattern: room name, `-vd`, zero-padded id. */
export const DEFAULT_NAME_PATTERN = '${room}-vd${id}';

/** Longest Windows computer name (NetBIOS). */
export const MAX_COMPUTER_NAME = 15;

/**
 * Replaces `${name}` placeholders from `vars`. Placeholders not in `vars` are kept as
 * written when listed in `keep`, and reported in `unknown` otherwise.
 */
export function substitute(
  pattern: string,
  vars: Readonly<Record<string, string>>,
  keep: readonly string[] = [],
): { text: string; unknown: string[] } {
  const unknown: string[] = [];
  const text = pattern.replace(/\$\{([^}]*)\}/g, (whole, name: string) => {
    const v = vars[name];
    if (v !== undefined) return v;
    if (!keep.includes(name)) unknown.push(name);
    return whole;
  });
  return { text, unknown };
}

/** Pads an id with zeros to `width` digits. */
export function padId(id: number, width: number): string {
  return String(id).padStart(width, '0');
}

/**
 * Checks a Windows computer name: 1-15 of A-Z a-z 0-9 and `-`, not all digits, not
 * starting or ending with `-`. Returns the reason it is invalid, or null.
 */
export function computerNameProblem(name: string): { kind: 'name-too-long' | 'name-invalid'; reason: string } | null {
  if (name.length > MAX_COMPUTER_NAME) {
    return { kind: 'name-too-long', reason: `is ${name.length} characters; Windows computer names (NetBIOS) allow at most ${MAX_COMPUTER_NAME}` };
  }
  if (name.length === 0) return { kind: 'name-invalid', reason: 'is empty' };
  if (!/^[A-Za-z0-9-]+$/.test(name)) return { kind: 'name-invalid', reason: 'may only contain letters, digits and "-"' };
  if (/^\d+$/.test(name)) return { kind: 'name-invalid', reason: 'must not be all digits' };
  if (name.startsWith('-') || name.endsWith('-')) return { kind: 'name-invalid', reason: 'must not start or end with "-"' };
  return null;
}
