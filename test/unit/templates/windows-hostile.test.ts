import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { XMLValidator } from 'fast-xml-parser';
import fc from 'fast-check';
import { AnswerFileError, decodeUnattendPassword, renderAutounattend, renderInstallCmd } from '../../../src/templates/index.js';
import type { InstallCmdValues } from '../../../src/templates/index.js';
import { at, cmdValues, component, installValues } from './windows-fixtures.js';

/** Values that break naive XML or cmd interpolation. */
const HOSTILE = [
  '<script>',
  'a&b',
  ']]>',
  '"double"',
  "it's",
  'Grüße 日本 😀',
  '%PATH%',
  '^&|',
  '</Value><PlainText>true</PlainText>',
  '&amp;',
  '<![CDATA[x]]>',
  '<!-- c -->',
  '&#x41;',
  '\\\\server\\share',
  'a!b!c',
  'x > y < z',
];

const isAnswerFileError = (field?: string) => (e: unknown) => e instanceof AnswerFileError && e.code === 'ANSWER_FILE' && (field === undefined || e.field === field);

describe('hostile values in autounattend.xml are escaped and decode to themselves', () => {
  for (const h of HOSTILE) {
    test(JSON.stringify(h), () => {
      const xml = renderAutounattend(installValues({
        image: { name: h },
        adminPassword: h,
        owner: h,
        organization: h,
        localAccounts: [{ name: 'vizor', password: h, group: 'Administrators', displayName: h, description: h }],
        autoLogon: { username: 'vizor', logonCount: 2 },
        firstLogonCommands: [h, `cmd /c echo ${h}`],
      }));
      assert.equal(XMLValidator.validate(xml), true);
      const setup = component(xml, 'windowsPE', 'Microsoft-Windows-Setup');
      assert.equal(at(setup, 'ImageInstall', 'OSImage', 'InstallFrom', 'MetaData', 'Value'), h);
      assert.equal(at(setup, 'UserData', 'FullName'), h);
      assert.equal(at(setup, 'UserData', 'Organization'), h);
      const oobe = component(xml, 'oobeSystem', 'Microsoft-Windows-Shell-Setup');
      assert.equal(decodeUnattendPassword(String(at(oobe, 'UserAccounts', 'AdministratorPassword', 'Value')), 'administrator'), h);
      assert.equal(at(oobe, 'UserAccounts', 'AdministratorPassword', 'PlainText'), 'false');
      const account = at(oobe, 'UserAccounts', 'LocalAccounts', 'LocalAccount') as Record<string, unknown>;
      assert.equal(decodeUnattendPassword(String(at(account, 'Password', 'Value')), 'account'), h);
      assert.equal(account['DisplayName'], h);
      assert.equal(account['Description'], h);
      assert.equal(decodeUnattendPassword(String(at(oobe, 'AutoLogon', 'Password', 'Value')), 'account'), h);
      const cmds = at(oobe, 'FirstLogonCommands', 'SynchronousCommand') as Record<string, string>[];
      assert.deepEqual(cmds.map((c) => c['CommandLine']), [h, `cmd /c echo ${h}`]);
      assert.equal(component(xml, 'specialize', 'Microsoft-Windows-Shell-Setup')['RegisteredOwner'], h);
    });
  }

  test('hostile computer names are refused; valid NetBIOS names pass', () => {
    for (const h of [...HOSTILE, 'PC 01', 'ABCDEFGHIJKLMNOP', '12345', '-PC', 'PC-', 'PC.example', 'PC_01', '']) {
      assert.throws(() => renderAutounattend(installValues({ computerName: h })), isAnswerFileError('computerName'), h);
    }
    for (const ok of ['A', 'PC1', 'ABCDEFGHIJKLMNO', 'lab-pc-007', '7a']) {
      assert.equal(component(renderAutounattend(installValues({ computerName: ok })), 'specialize', 'Microsoft-Windows-Shell-Setup')['ComputerName'], ok);
    }
  });

  test('characters XML cannot carry are refused', () => {
    for (const bad of ['a\u0000b', 'a\u0007b', 'a\uFFFEb', 'a\uD800b', 'a\nb', 'a\rb']) {
      assert.throws(() => renderAutounattend(installValues({ adminPassword: bad })), isAnswerFileError('adminPassword'), JSON.stringify(bad));
    }
  });
});

/** The lines of a CRLF script. */
const lines = (s: string) => s.split('\r\n');

describe('hostile values in install.cmd are refused or leave the script intact', () => {
  const base = lines(renderInstallCmd(cmdValues()));
  const fields: { field: keyof InstallCmdValues; variable: string; make: (h: string) => string }[] = [
    { field: 'sharePassword', variable: 'VIZOR_PASSWORD', make: (h) => h },
    { field: 'shareUser', variable: 'VIZOR_USER', make: (h) => h },
    { field: 'mediaShare', variable: 'VIZOR_MEDIA', make: (h) => `\\\\10.77.0.1\\${h}` },
    { field: 'statusShare', variable: 'VIZOR_STATUS', make: (h) => `\\\\10.77.0.1\\${h}` },
    { field: 'nodeId', variable: 'VIZOR_NODE', make: (h) => h },
    { field: 'unattendPath', variable: 'VIZOR_UNATTEND', make: (h) => `X:\\${h}` },
  ];
  const metachar = /[&|<>^%"!]/;
  for (const f of fields) {
    for (const h of HOSTILE) {
      test(`${f.field} = ${JSON.stringify(f.make(h))}`, () => {
        const value = f.make(h);
        let script: string;
        try {
          script = renderInstallCmd(cmdValues({ [f.field]: value }));
        } catch (e) {
          assert.ok(isAnswerFileError(f.field)(e), `expected ANSWER_FILE on ${f.field}, got ${String(e)}`);
          return;
        }
        // Accepted values carry no metacharacter and change exactly one line: their own set.
        assert.doesNotMatch(value, metachar);
        const got = lines(script);
        assert.equal(got.length, base.length);
        const diff = got.map((l, i) => [l, base[i]]).filter(([a, b]) => a !== b);
        const expected = f.field === 'nodeId' ? 2 : 1; // the node id is also in the header comment
        assert.equal(diff.length, expected, JSON.stringify(diff));
        assert.ok(got.includes(`set "${f.variable}=${value}"`));
      });
    }
  }

  test('every metacharacter is refused in every value, with the field named', () => {
    for (const ch of ['&', '|', '<', '>', '^', '%', '"', '!']) {
      assert.throws(() => renderInstallCmd(cmdValues({ sharePassword: `pw${ch}x` })), (e: unknown) => isAnswerFileError('sharePassword')(e) && (e as Error).message.includes(JSON.stringify(ch)));
    }
  });

  test('values outside printable ASCII are refused (the script is read in the OEM code page)', () => {
    for (const v of ['pässword', 'pw\nnet user x /add', 'pw\r', 'pw\tx']) {
      assert.throws(() => renderInstallCmd(cmdValues({ sharePassword: v })), isAnswerFileError('sharePassword'), JSON.stringify(v));
    }
  });

  test('any password is refused or changes only its own set line (property)', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 40 }), (pw) => {
      let script: string;
      try {
        script = renderInstallCmd(cmdValues({ sharePassword: pw }));
      } catch (e) {
        assert.ok(isAnswerFileError('sharePassword')(e));
        assert.match(pw, /[&|<>^%"!]|[^\x20-\x7E]/, 'only metacharacters and non-printables are refused');
        return;
      }
      const got = lines(script);
      assert.equal(got.length, base.length);
      const diff = got.filter((l, i) => l !== base[i]);
      assert.deepEqual(diff, pw === cmdValues().sharePassword ? [] : [`set "VIZOR_PASSWORD=${pw}"`]);
    }), { numRuns: 500 });
  });

  test('safe but unusual values are kept verbatim', () => {
    for (const v of ["it's (a) pass=word", 'with  spaces ', 'back\\slash', '#;,.@~`$*?{}[]']) {
      assert.ok(lines(renderInstallCmd(cmdValues({ sharePassword: v }))).includes(`set "VIZOR_PASSWORD=${v}"`), v);
    }
  });
});
