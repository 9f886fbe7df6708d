import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { AnswerFileError, decodeUnattendPassword, encodeUnattendPassword, renderAutounattend } from '../../../src/templates/index.js';
import { at, component, installValues } from './windows-fixtures.js';

/** UTF-16LE by hand, independent of Buffer's 'utf16le' codec. */
function utf16le(s: string): Buffer {
  const out = Buffer.alloc(s.length * 2);
  for (let i = 0; i < s.length; i++) out.writeUInt16LE(s.charCodeAt(i), i * 2);
  return out;
}

describe('unattend password encoding (PlainText=false)', () => {
  test('an empty local-account password encodes to the value Windows SIM writes', () => {
    // base64(UTF-16LE("Password")): the value SIM emits for a blank LocalAccount/AutoLogon password.
    assert.equal(encodeUnattendPassword('', 'account'), 'UABhAHMAcwB3AG8AcgBkAA==');
    assert.equal(encodeUnattendPassword('', 'administrator'), utf16le('AdministratorPassword').toString('base64'));
  });

  test('suffixes: AdministratorPassword for the administrator, Password for accounts and AutoLogon', () => {
    assert.equal(encodeUnattendPassword('P@ss w0rd', 'administrator'), utf16le('P@ss w0rdAdministratorPassword').toString('base64'));
    assert.equal(encodeUnattendPassword('P@ss w0rd', 'account'), utf16le('P@ss w0rdPassword').toString('base64'));
    assert.equal(encodeUnattendPassword('Grüße😀', 'account'), utf16le('Grüße😀Password').toString('base64'));
  });

  test('a value without the expected suffix is refused', () => {
    assert.throws(() => decodeUnattendPassword(utf16le('secret').toString('base64'), 'account'), (e: unknown) => e instanceof AnswerFileError && e.code === 'ANSWER_FILE');
    assert.throws(() => decodeUnattendPassword(encodeUnattendPassword('x', 'account'), 'administrator'), AnswerFileError);
  });

  test('round-trips any string (property)', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 64 }), fc.constantFrom('administrator' as const, 'account' as const), (pw, kind) => {
      assert.equal(decodeUnattendPassword(encodeUnattendPassword(pw, kind), kind), pw);
    }), { numRuns: 500 });
  });

  test('through autounattend.xml: any password is either refused with ANSWER_FILE or decodes back (property)', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }), (pw) => {
      let xml: string;
      try {
        xml = renderAutounattend(installValues({ adminPassword: pw, localAccounts: [{ name: 'u', password: pw, group: 'Users' }], autoLogon: { username: 'u', logonCount: 1 } }));
      } catch (e) {
        assert.ok(e instanceof AnswerFileError && /password/i.test(e.field), String(e));
        assert.match(pw, /[\u0000-\u001F\u007F\uFFFE\uFFFF]/, 'only control or non-characters are refused');
        return;
      }
      const oobe = component(xml, 'oobeSystem', 'Microsoft-Windows-Shell-Setup');
      assert.equal(decodeUnattendPassword(String(at(oobe, 'UserAccounts', 'AdministratorPassword', 'Value')), 'administrator'), pw);
      assert.equal(decodeUnattendPassword(String(at(oobe, 'UserAccounts', 'LocalAccounts', 'LocalAccount', 'Password', 'Value')), 'account'), pw);
      assert.equal(decodeUnattendPassword(String(at(oobe, 'AutoLogon', 'Password', 'Value')), 'account'), pw);
      assert.doesNotMatch(xml, new RegExp(`>${pw.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}<`), 'never in clear');
    }), { numRuns: 300 });
  });
});
