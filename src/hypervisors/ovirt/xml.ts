/**
 * oVirt REST v4 XML representation: only `id`/`href` (and `rel` on links) are attributes,
 * every other field is an element, and a collection `<vms>` repeats its singular `<vm>`.
 * This module turns documents into plain objects and back; it knows no resource names.
 */
import { XMLBuilder, XMLParser } from 'fast-xml-parser';

/** A parsed element: child elements by name, attributes as `@_name`, text as `#text`. */
export interface XmlNode {
  readonly [key: string]: XmlValue | undefined;
}
/** What an element parses to: text, an element, or repeated elements. */
export type XmlValue = string | XmlNode | readonly XmlValue[];

/** A request body: nested plain objects, arrays repeat an element, `@_id` is an attribute. */
export type XmlBody = { readonly [key: string]: XmlBodyValue };
/** A value inside an XmlBody. */
export type XmlBodyValue = string | number | boolean | XmlBody | readonly XmlBodyValue[] | undefined;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  ignoreDeclaration: true,
  parseTagValue: false,
  parseAttributeValue: false,
  // Pretty-printed engine output would otherwise leave whitespace text nodes.
  trimValues: true,
  jPath: true,
  // `<nics><nic/></nics>` must give a list even with one member: the plural rule holds for
  // every oVirt collection (vms/vm, storage_domains/storage_domain, devices/device).
  isArray: (name: string, jpath: unknown) => {
    const parts = String(jpath).split('.');
    return name === 'link' || (parts.length > 1 && parts[parts.length - 2] === `${name}s`);
  },
});

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', format: false, suppressEmptyNode: false });

/** Parses an XML document into its root-level object (`{vm: {...}}`). */
export function parseXml(text: string): XmlNode {
  if (text.trim() === '') return {};
  const doc = parser.parse(text) as unknown;
  return typeof doc === 'object' && doc !== null ? (doc as XmlNode) : {};
}

/** Serialises `{root: body}` as an XML document; `undefined` fields are left out. */
export function buildXml(root: string, body: XmlBody): string {
  return `<?xml version="1.0" encoding="UTF-8"?>${builder.build({ [root]: prune(body) }) as string}`;
}

function prune(value: XmlBodyValue): unknown {
  if (Array.isArray(value)) return value.filter((v) => v !== undefined).map(prune);
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as XmlBody)) if (v !== undefined) out[k] = prune(v);
    return out;
  }
  return typeof value === 'boolean' || typeof value === 'number' ? String(value) : value;
}

/** The element as an object: text-only or empty elements read as `{}`, lists give their first. */
export function asNode(value: XmlValue | undefined): XmlNode | undefined {
  if (value === undefined) return undefined;
  if (Array.isArray(value)) return asNode(value[0] as XmlValue | undefined);
  if (typeof value === 'string') return value === '' ? {} : { '#text': value };
  return value as XmlNode;
}

/** A child element as an object, or undefined. */
export function child(node: XmlNode | undefined, name: string): XmlNode | undefined {
  return asNode(node?.[name]);
}

/** Follows a path of child elements (`path(vm, 'os', 'boot')`). */
export function path(node: XmlNode | undefined, ...names: string[]): XmlNode | undefined {
  let cur = node;
  for (const n of names) cur = child(cur, n);
  return cur;
}

/** The text of a child element, or undefined when it is absent. */
export function text(node: XmlNode | undefined, name: string): string | undefined {
  const v = node?.[name];
  const first = Array.isArray(v) ? (v[0] as XmlValue | undefined) : v;
  if (first === undefined) return undefined;
  if (typeof first === 'string') return first;
  const t = (first as XmlNode)['#text'];
  return typeof t === 'string' ? t : '';
}

/** An attribute (`id`, `href`, `rel`). */
export function attr(node: XmlNode | undefined, name: string): string | undefined {
  const v = node?.[`@_${name}`];
  return typeof v === 'string' ? v : undefined;
}

/** Every child element with this name, as objects (none → empty list). */
export function items(node: XmlNode | undefined, name: string): XmlNode[] {
  const v = node?.[name];
  if (v === undefined) return [];
  const list = Array.isArray(v) ? (v as readonly XmlValue[]) : [v as XmlValue];
  return list.map((x) => asNode(x) ?? {});
}

/** Every text child with this name (`<devices><device>hd</device>...`). */
export function texts(node: XmlNode | undefined, name: string): string[] {
  return items(node, name).map((n) => (typeof n['#text'] === 'string' ? n['#text'] : ''));
}

/** The members of a collection document: `members(doc, 'vms', 'vm')`. */
export function members(doc: XmlNode, plural: string, singular: string): XmlNode[] {
  return items(child(doc, plural), singular);
}

/** A reference to another object by id, as oVirt writes it (`<cluster id="..."/>`). */
export function ref(id: string): XmlBody {
  return { '@_id': id };
}
