/**
 * CloudStack API request signing, as the management server re-computes it in
 * `ApiServer.verifyRequest`: every parameter but `signature`, sorted by its original
 * (case-sensitive) name, joined as `name=value` with each value encoded like Java's
 * `URLEncoder.encode(v, "UTF-8")` with `+` replaced by `%20`; the whole string is then
 * lower-cased, HMAC-SHA1'd with the secret key and Base64-encoded.
 *
 * Names are signed as sent. Sorting by the original names (what Java's `Collections.sort`
 * does, and JavaScript's default sort: both compare UTF-16 code units) is what keeps
 * client and server in step; lower-casing names first would break map parameters such as
 * `details[0].cpuNumber`, whose sub-keys CloudStack reads case-sensitively.
 */
import { createHmac } from 'node:crypto';

/** Request parameters by name; every value is sent once. */
export type CsParams = Readonly<Record<string, string>>;

// encodeURIComponent leaves !'()*~ alone; Java's URLEncoder escapes all but * of those.
const JAVA_EXTRA = /[!'()~]/g;
// A lone UTF-16 surrogate cannot be UTF-8 encoded; Java's encoder writes '?' in its place.
const LONE_SURROGATE = /\p{Surrogate}/gu;

/** Encodes a value as `URLEncoder.encode(v, "UTF-8").replaceAll("\\+", "%20")` does. */
export function javaUrlEncode(value: string): string {
  return encodeURIComponent(value.replace(LONE_SURROGATE, '?')).replace(
    JAVA_EXTRA,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** The string that is signed (before lower-casing): sorted `name=value` pairs without `signature`. */
export function canonicalRequest(params: CsParams): string {
  return Object.keys(params)
    .filter((name) => name.toLowerCase() !== 'signature')
    .sort()
    .map((name) => `${name}=${javaUrlEncode(params[name] ?? '')}`)
    .join('&');
}

/** The Base64 HMAC-SHA1 signature CloudStack expects for `params` (apiKey included, signature excluded). */
export function signRequest(params: CsParams, secretKey: string): string {
  return createHmac('sha1', Buffer.from(secretKey, 'utf8'))
    .update(canonicalRequest(params).toLowerCase(), 'utf8')
    .digest('base64');
}

/** Formats an expiry time the way CloudStack's `DateUtil.parseTZDateString` reads it: `2024-05-01T12:00:00+0000`. */
export function formatExpires(at: Date): string {
  return `${at.toISOString().slice(0, 19)}+0000`;
}

/** Options for {@link signedParams}. */
export interface SignOptions {
  readonly apiKey: string;
  readonly secretKey: string;
  /** Adds `signatureVersion=3` and `expires` this far in the future (CloudStack caps it at 15 min when enforced). */
  readonly expiresInMs?: number;
  /** The clock, for tests. */
  readonly now?: () => Date;
}

/**
 * The full parameter set of one call: the command's own parameters plus `command`,
 * `response=json`, `apiKey`, optional `signatureVersion`/`expires`, and `signature`.
 */
export function signedParams(command: string, params: CsParams, opts: SignOptions): Record<string, string> {
  const all: Record<string, string> = { ...params, command, response: 'json', apiKey: opts.apiKey };
  if (opts.expiresInMs !== undefined) {
    const now = opts.now?.() ?? new Date();
    all.signatureVersion = '3';
    all.expires = formatExpires(new Date(now.getTime() + opts.expiresInMs));
  }
  all.signature = signRequest(all, opts.secretKey);
  return all;
}
