// The server side of CloudStack request signing, written from ApiServer.verifyRequest and
// java.net.URLEncoder on purpose without the client's signer: if either side is wrong the two
// disagree and the tests see a 401.
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Characters java.net.URLEncoder leaves as they are. */
function javaSafe(code: number): boolean {
  return (
    (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a) || (code >= 0x30 && code <= 0x39) ||
    code === 0x2e || code === 0x2d || code === 0x2a || code === 0x5f
  );
}

/** java.net.URLEncoder.encode(value, "UTF-8"): byte by byte, space as '+', %XX in upper case. */
export function urlEncoderEncode(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (javaSafe(code)) out += value[i];
    else if (code === 0x20) out += '+';
    else {
      // take a whole code point; an unpaired surrogate becomes '?' as Java's UTF-8 encoder does
      let cp = code;
      if (code >= 0xd800 && code <= 0xdbff) {
        const next = value.charCodeAt(i + 1);
        if (next >= 0xdc00 && next <= 0xdfff) {
          cp = 0x10000 + ((code - 0xd800) << 10) + (next - 0xdc00);
          i++;
        } else cp = 0x3f;
      } else if (code >= 0xdc00 && code <= 0xdfff) cp = 0x3f;
      for (const byte of Buffer.from(String.fromCodePoint(cp), 'utf8')) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    }
  }
  return out;
}

/** Why a request was refused (logged by CloudStack at debug; here for test diagnostics). */
export type VerifyFailure =
  | 'missing-command' | 'missing-signature-or-key' | 'missing-expires' | 'bad-expires' | 'expired'
  | 'expires-too-far' | 'post-and-timestamps-enforced' | 'unknown-key' | 'bad-signature';

/** Parses an `expires` value in the formats DateUtil.parseTZDateString accepts; null if none fits. */
export function parseExpires(text: string): Date | null {
  // yyyy-MM-dd'T'HH:mm:ssZ, the legacy yyyy-MM-dd'T'HH:mm:ss'Z'Z, and ISO offsets (+01:00 / Z)
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:Z?([+-])(\d{2}):?(\d{2})|Z)$/.exec(text);
  if (!m) return null;
  const base = Date.parse(`${m[1]}Z`);
  if (Number.isNaN(base)) return null;
  if (!m[2]) return new Date(base);
  const offsetMin = (Number(m[3]) * 60 + Number(m[4])) * (m[2] === '+' ? 1 : -1);
  return new Date(base - offsetMin * 60_000);
}

/** What the verifier needs besides the parameters. */
export interface VerifyContext {
  /** Looks up the secret of an API key; undefined for an unknown key. */
  secretOf(apiKey: string): string | undefined;
  now(): Date;
  /** enforce.post.requests.and.timestamps */
  enforcePostAndTimestamps: boolean;
}

/** Re-computes the signature of decoded request parameters as ApiServer.verifyRequest does. */
export function verifyRequest(params: ReadonlyMap<string, string>, ctx: VerifyContext): VerifyFailure | null {
  if (!params.has('command')) return 'missing-command';
  const names = [...params.keys()];
  // Collections.sort on the original names: String.compareTo, i.e. UTF-16 code units
  names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  let signature: string | undefined;
  let apiKey: string | undefined;
  let signatureVersion: string | undefined;
  let expires: string | undefined;
  const pairs: string[] = [];
  for (const name of names) {
    const value = params.get(name) ?? '';
    const lower = name.toLowerCase();
    if (lower === 'signature') {
      signature = value;
      continue;
    }
    if (lower === 'apikey') apiKey = value;
    else if (lower === 'signatureversion') signatureVersion = value;
    else if (lower === 'expires') expires = value;
    pairs.push(`${name}=${urlEncoderEncode(value).replace(/\+/g, '%20')}`);
  }
  if (signature === undefined || apiKey === undefined) return 'missing-signature-or-key';
  if (signatureVersion === '3') {
    if (expires === undefined) return 'missing-expires';
    const at = parseExpires(expires);
    if (!at) return 'bad-expires';
    const now = ctx.now().getTime();
    if (at.getTime() < now) return 'expired';
    if (ctx.enforcePostAndTimestamps && at.getTime() > now + 15 * 60_000) return 'expires-too-far';
  } else if (ctx.enforcePostAndTimestamps) return 'post-and-timestamps-enforced';
  const secret = ctx.secretOf(apiKey);
  if (secret === undefined) return 'unknown-key';
  const computed = createHmac('sha1', Buffer.from(secret, 'utf8')).update(Buffer.from(pairs.join('&').toLowerCase(), 'utf8')).digest('base64');
  const a = Buffer.from(signature, 'utf8');
  const b = Buffer.from(computed, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b) ? null : 'bad-signature';
}
