/**
 * XML for the oVirt fake, written independently of the driver's codec so a codec bug in
 * one cannot hide in the other. Attributes are `@_id`/`@_href`/`@_rel`, as in the engine.
 */
import { XMLBuilder, XMLParser } from 'fast-xml-parser';

/** A parsed request element. */
export type Xml = { [key: string]: unknown };

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  ignoreDeclaration: true,
  parseTagValue: false,
  // Payload file contents must arrive byte for byte.
  trimValues: false,
});
const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', format: false, suppressEmptyNode: true });

/** Parses a request body; throws on malformed XML. */
export function parse(body: string): Xml {
  return parser.parse(body, true) as Xml;
}

/** Renders `{root: value}` as a document. */
export function render(root: string, value: unknown): string {
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n${builder.build({ [root]: value }) as string}`;
}

/** A child element as an object (`''` for `<x/>` reads as `{}`); undefined when absent. */
export function el(node: unknown, name: string): Xml | undefined {
  if (typeof node !== 'object' || node === null) return undefined;
  let v = (node as Xml)[name];
  if (Array.isArray(v)) v = v[0];
  if (v === undefined) return undefined;
  if (typeof v === 'string') return v.trim() === '' ? {} : { '#text': v };
  return v as Xml;
}

/** The text of a child element (undefined when absent). */
export function str(node: unknown, name: string): string | undefined {
  if (typeof node !== 'object' || node === null) return undefined;
  let v = (node as Xml)[name];
  if (Array.isArray(v)) v = v[0];
  if (v === undefined) return undefined;
  if (typeof v === 'string') return v;
  const t = (v as Xml)['#text'];
  return typeof t === 'string' ? t : '';
}

/** All child elements with this name. */
export function all(node: unknown, name: string): Xml[] {
  if (typeof node !== 'object' || node === null) return [];
  const v = (node as Xml)[name];
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).map((x) => (typeof x === 'string' ? (x.trim() === '' ? {} : { '#text': x }) : (x as Xml)));
}

/** Text of each repeated child (`<devices><device>hd</device>...`). */
export function strs(node: unknown, name: string): string[] {
  return all(node, name).map((x) => (typeof x['#text'] === 'string' ? x['#text'] : ''));
}

/** An `id` attribute. */
export function idOf(node: unknown): string | undefined {
  const v = (node as Xml | undefined)?.['@_id'];
  return typeof v === 'string' ? v : undefined;
}

/** A boolean element (`true`/`false`), or undefined. */
export function bool(node: unknown, name: string): boolean | undefined {
  const s = str(node, name);
  return s === undefined ? undefined : s.trim() === 'true';
}
