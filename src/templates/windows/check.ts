import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { AnswerFileError } from './errors.js';

/** Configuration passes of an unattend file (Microsoft "Unattended Windows Setup Reference", settings/@pass). */
export const UNATTEND_PASSES = ['windowsPE', 'offlineServicing', 'generalize', 'specialize', 'auditSystem', 'auditUser', 'oobeSystem'] as const;

/** Components the vizor templates emit, by pass: anything else in a rendered file is a template bug. */
export const UNATTEND_COMPONENTS: Readonly<Record<string, readonly string[]>> = {
  windowsPE: ['Microsoft-Windows-International-Core-WinPE', 'Microsoft-Windows-Setup'],
  specialize: ['Microsoft-Windows-Shell-Setup', 'Microsoft-Windows-TCPIP', 'Microsoft-Windows-DNS-Client', 'Microsoft-Windows-UnattendedJoin'],
  oobeSystem: ['Microsoft-Windows-International-Core', 'Microsoft-Windows-Shell-Setup'],
};

const UNATTEND_NS = 'urn:schemas-microsoft-com:unattend';

function asArray<T>(v: T | T[] | undefined): T[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

/**
 * Parses an answer file into plain objects: attributes as `@name`, text kept as strings,
 * `settings` and `component` always arrays; XML and numeric character references decoded.
 */
export function parseAnswerFile(xml: string): Record<string, unknown> {
  // htmlEntities as an empty map (5.12 accepts a map; its typings say boolean) decodes the
  // five XML entities and numeric references but no HTML names such as &nbsp;.
  return new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    parseTagValue: false,
    parseAttributeValue: false,
    htmlEntities: {} as unknown as boolean,
    isArray: (name) => name === 'settings' || name === 'component',
  }).parse(xml) as Record<string, unknown>;
}

/**
 * Checks a rendered answer file before it is served: well-formed XML, an `unattend` root in
 * Microsoft's namespace, known passes (each at most once), allow-listed components (each once
 * per pass) whose processorArchitecture is `arch`. Throws AnswerFileError naming the problem.
 */
export function checkAnswerFile(xml: string, arch: string): void {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new AnswerFileError('xml', `not well-formed: ${valid.err.msg} (line ${valid.err.line}, column ${valid.err.col})`);
  const doc = parseAnswerFile(xml);
  const root = doc['unattend'] as Record<string, unknown> | undefined;
  if (!root || typeof root !== 'object') throw new AnswerFileError('xml', 'root element is not <unattend>');
  if (root['@xmlns'] !== UNATTEND_NS) throw new AnswerFileError('xml', `<unattend> is not in namespace ${UNATTEND_NS}`);
  const seen = new Set<string>();
  for (const settings of asArray(root['settings'] as Record<string, unknown>[] | undefined)) {
    const pass = String(settings['@pass'] ?? '');
    if (!(UNATTEND_PASSES as readonly string[]).includes(pass)) throw new AnswerFileError('pass', `unknown configuration pass ${JSON.stringify(pass)}`);
    if (seen.has(pass)) throw new AnswerFileError('pass', `pass ${pass} appears twice`);
    seen.add(pass);
    const allowed = UNATTEND_COMPONENTS[pass] ?? [];
    const names = new Set<string>();
    for (const c of asArray(settings['component'] as Record<string, unknown>[] | undefined)) {
      const name = String(c['@name'] ?? '');
      if (!allowed.includes(name)) throw new AnswerFileError('component', `component ${JSON.stringify(name)} is not allowed in pass ${pass}`);
      if (names.has(name)) throw new AnswerFileError('component', `component ${name} appears twice in pass ${pass}`);
      names.add(name);
      if (c['@processorArchitecture'] !== arch) throw new AnswerFileError('component', `${name} in ${pass} has processorArchitecture ${JSON.stringify(c['@processorArchitecture'])}, expected ${arch}`);
    }
  }
  if (seen.size === 0) throw new AnswerFileError('pass', 'no configuration pass');
}
