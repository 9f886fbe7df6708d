import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { canonicalRequest, formatExpires, javaUrlEncode, signedParams, signRequest } from '../../../../src/hypervisors/cloudstack/index.js';
import { parseExpires, urlEncoderEncode, verifyRequest } from '../../../fakes/cloudstack/index.js';

// The worked example of the CloudStack developer guide ("Signing API Requests").
const DOC_API_KEY = 'plgWJfZK4gyS3mOMTVmjUVg-X-jlWlnfaUJ9GAbBbf9EdM-kAYMmAiLqzzq1ElZLYq_u38zCm0bewzGUdP66mg';
const DOC_SECRET = 'VDaACYb0LV9eNjTetIOElcVQkvJck_J_QljX_FcHRj87ZKiy0z0ty0ZsYBkoXkY9b7eq1EhwJaw7FF3akA3KBQ';
const DOC_SIGNATURE = 'TTpdDq/7j/J58XCRHomKoQXEQds=';

test('the documented listUsers example signs to TTpdDq/7j/J58XCRHomKoQXEQds=', () => {
  const params = { apikey: DOC_API_KEY, command: 'listUsers', response: 'json' };
  assert.equal(canonicalRequest(params), `apikey=${DOC_API_KEY}&command=listUsers&response=json`);
  assert.equal(signRequest(params, DOC_SECRET), DOC_SIGNATURE);
  // the name is signed as sent and lower-cased afterwards: apiKey gives the same signature
  assert.equal(signRequest({ apiKey: DOC_API_KEY, command: 'listUsers', response: 'json' }, DOC_SECRET), DOC_SIGNATURE);
});

test('the fake verifies the documented example with its own canonicalisation', () => {
  const params = new Map([['apikey', DOC_API_KEY], ['command', 'listUsers'], ['response', 'json'], ['signature', DOC_SIGNATURE]]);
  const ctx = { secretOf: (k: string) => (k === DOC_API_KEY ? DOC_SECRET : undefined), now: () => new Date(), enforcePostAndTimestamps: false };
  assert.equal(verifyRequest(params, ctx), null);
  params.set('signature', 'TTpdDq/7j/J58XCRHomKoQXEQdt=');
  assert.equal(verifyRequest(params, ctx), 'bad-signature');
});

// value → what Java's URLEncoder.encode(value, "UTF-8").replaceAll("\\+", "%20") gives
const TRICKY: Array<[string, string]> = [
  ['a b', 'a%20b'],
  ['a+b', 'a%2Bb'],
  ['*', '*'],
  ["!'()~", '%21%27%28%29%7E'],
  ['.-_', '.-_'],
  ['=&', '%3D%26'],
  ['/:?#%,[]@$;', '%2F%3A%3F%23%25%2C%5B%5D%40%24%3B'],
  ['é', '%C3%A9'],
  ['日本', '%E6%97%A5%E6%9C%AC'],
  ['😀', '%F0%9F%98%80'],
  ['line\nbreak\t', 'line%0Abreak%09'],
  ['\ud800x', '%3Fx'],
  ['', ''],
];

for (const [value, encoded] of TRICKY) {
  test(`value ${JSON.stringify(value)} encodes like Java's URLEncoder: ${encoded || '(empty)'}`, () => {
    assert.equal(javaUrlEncode(value), encoded);
    assert.equal(urlEncoderEncode(value).replace(/\+/g, '%20'), encoded);
  });
}

test('client and fake encoders agree on arbitrary strings (two independent implementations)', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (s) => javaUrlEncode(s) === urlEncoderEncode(s).replace(/\+/g, '%20')),
    { numRuns: 5000 },
  );
});

test('parameters sort by their original, case-sensitive names, as Collections.sort does', () => {
  // 'I' (0x49) sorts before 'f' (0x66): lower-casing first would swap these two
  assert.equal(canonicalRequest({ templatefilter: 'self', templateId: '1', command: 'x' }), 'command=x&templateId=1&templatefilter=self');
  assert.equal(canonicalRequest({ 'details[0].memory': '1', 'details[0].cpuNumber': '2' }), 'details[0].cpuNumber=2&details[0].memory=1');
  assert.equal(canonicalRequest({ b: '1', signature: 'zzz', a: '2' }), 'a=2&b=1');
});

test('tricky values and mixed-case names sign the way the fake verifies them', () => {
  const secret = 's3cr3t-ÄÖ';
  const ctx = { secretOf: (k: string) => (k === 'key' ? secret : undefined), now: () => new Date(), enforcePostAndTimestamps: false };
  const params: Record<string, string> = { templateId: 'x', templatefilter: 'self', 'details[0].cpuNumber': '2' };
  TRICKY.forEach(([v], i) => (params[`v${i}`] = v));
  const signed = signedParams('listTemplates', params, { apiKey: 'key', secretKey: secret });
  assert.equal(verifyRequest(new Map(Object.entries(signed)), ctx), null);
  const tampered = new Map(Object.entries({ ...signed, v0: 'a  b' }));
  assert.equal(verifyRequest(tampered, ctx), 'bad-signature');
});

test('signatureVersion 3 adds an expiry in the format CloudStack parses', () => {
  const now = new Date(Date.UTC(2024, 4, 1, 12, 0, 0));
  const signed = signedParams('listZones', {}, { apiKey: 'k', secretKey: 's', expiresInMs: 600_000, now: () => now });
  assert.equal(signed.signatureVersion, '3');
  assert.equal(signed.expires, '2024-05-01T12:10:00+0000');
  assert.equal(formatExpires(now), '2024-05-01T12:00:00+0000');
  assert.equal(parseExpires(signed.expires!)?.getTime(), now.getTime() + 600_000);
  assert.equal(signed.signature, signRequest(Object.fromEntries(Object.entries(signed).filter(([k]) => k !== 'signature')), 's'));
});

test('the fake reads the three expiry formats of DateUtil.parseTZDateString and refuses others', () => {
  const at = Date.UTC(2024, 4, 1, 12, 0, 0);
  assert.equal(parseExpires('2024-05-01T12:00:00+0000')?.getTime(), at);
  assert.equal(parseExpires('2024-05-01T14:00:00+0200')?.getTime(), at);
  assert.equal(parseExpires('2024-05-01T12:00:00Z+0000')?.getTime(), at);
  assert.equal(parseExpires('2024-05-01T13:00:00+01:00')?.getTime(), at);
  assert.equal(parseExpires('2024-05-01T12:00:00Z')?.getTime(), at);
  assert.equal(parseExpires('2024-05-01 12:00:00'), null);
  assert.equal(parseExpires('tomorrow'), null);
});
