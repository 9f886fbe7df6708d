import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MediaCorruptError, MediaLimitError } from '../../../../src/media/errors.js';
import { MediaLimits } from '../../../../src/media/limits.js';
import { parseWimXml } from '../../../../src/media/wim/index.js';
import { image, utf16 } from './fixtures.js';

const FULL = `<WIM><TOTALBYTES>1120721</TOTALBYTES>${image(
  1,
  '<NAME>Windows 10 Pro</NAME><DESCRIPTION>Windows 10 Pro desc</DESCRIPTION><DIRCOUNT>8</DIRCOUNT>' +
    '<FILECOUNT>6</FILECOUNT><TOTALBYTES>438200</TOTALBYTES><HARDLINKBYTES>70000</HARDLINKBYTES>' +
    '<CREATIONTIME><HIGHPART>0x019DB1DE</HIGHPART><LOWPART>0xD53E8000</LOWPART></CREATIONTIME>' +
    '<LASTMODIFICATIONTIME><HIGHPART>0x01DD7A0D</HIGHPART><LOWPART>0x4C283A68</LOWPART></LASTMODIFICATIONTIME>' +
    '<WINDOWS><ARCH>9</ARCH><PRODUCTNAME>Microsoft® Windows® Operating System</PRODUCTNAME>' +
    '<EDITIONID>Professional</EDITIONID><INSTALLATIONTYPE>Client</INSTALLATIONTYPE><HAL>acpiapic</HAL>' +
    '<PRODUCTTYPE>WinNT</PRODUCTTYPE><PRODUCTSUITE>Terminal Server</PRODUCTSUITE>' +
    '<LANGUAGES><LANGUAGE>en-US</LANGUAGE><DEFAULT>en-US</DEFAULT></LANGUAGES>' +
    '<VERSION><MAJOR>10</MAJOR><MINOR>0</MINOR><BUILD>19041</BUILD><SPBUILD>1</SPBUILD><SPLEVEL>0</SPLEVEL></VERSION>' +
    '<SYSTEMROOT>WINDOWS</SYSTEMROOT></WINDOWS><FLAGS>Professional</FLAGS>' +
    '<DISPLAYNAME>Windows 10 Pro</DISPLAYNAME><DISPLAYDESCRIPTION>Windows 10 Pro dd</DISPLAYDESCRIPTION>',
)}</WIM>`;

function corrupt(xml: string | Buffer, message: RegExp): void {
  assert.throws(
    () => parseWimXml(typeof xml === 'string' ? utf16(xml) : xml),
    (err: unknown) => err instanceof MediaCorruptError && err.format === 'wim' && message.test(err.message),
  );
}

describe('parseWimXml', () => {
  test('a full edition as WIMGAPI/wimlib write it', () => {
    const info = parseWimXml(utf16(FULL));
    assert.equal(info.totalBytes, 1120721);
    assert.equal(info.encrypted, false);
    assert.deepEqual(info.editions, [
      {
        index: 1,
        name: 'Windows 10 Pro',
        description: 'Windows 10 Pro desc',
        displayName: 'Windows 10 Pro',
        displayDescription: 'Windows 10 Pro dd',
        flags: 'Professional',
        editionId: 'Professional',
        productName: 'Microsoft® Windows® Operating System',
        productType: 'WinNT',
        productSuite: 'Terminal Server',
        installationType: 'Client',
        hal: 'acpiapic',
        systemRoot: 'WINDOWS',
        architecture: 'x64',
        architectureCode: 9,
        version: { major: 10, minor: 0, build: 19041, spBuild: 1, spLevel: 0 },
        languages: ['en-US'],
        defaultLanguage: 'en-US',
        totalBytes: 438200,
        hardLinkBytes: 70000,
        dirCount: 8,
        fileCount: 6,
        // 0x019DB1DED53E8000 is the FILETIME of the Unix epoch.
        created: new Date(0),
        modified: new Date(Number((0x01dd7a0d4c283a68n / 10_000n) - 11_644_473_600_000n)),
        wimBoot: false,
      },
    ]);
  });

  const wimBootCases: [string, boolean][] = [['<WIMBOOT>1</WIMBOOT>', true], ['<WIMBOOT>0</WIMBOOT>', false], ['<WIMBOOT>yes</WIMBOOT>', false], ['', false]];
  for (const [xml, want] of wimBootCases) {
    test(`WIMBOOT ${JSON.stringify(xml)} → wimBoot ${want} (as wimlib reads it)`, () => {
      assert.equal(parseWimXml(utf16(`<WIM>${image(1, xml)}</WIM>`)).editions[0]!.wimBoot, want);
    });
  }

  test('missing fields are null, languages empty, version absent', () => {
    const [e] = parseWimXml(utf16(`<WIM>${image(1, '<NAME>Only a name</NAME>')}</WIM>`)).editions;
    assert.ok(e);
    assert.equal(e.name, 'Only a name');
    for (const key of ['description', 'displayName', 'flags', 'editionId', 'architecture', 'architectureCode', 'version',
      'defaultLanguage', 'totalBytes', 'hardLinkBytes', 'dirCount', 'fileCount', 'created', 'modified', 'hal'] as const) {
      assert.equal(e[key], null, key);
    }
    assert.deepEqual(e.languages, []);
    assert.equal(parseWimXml(utf16('<WIM></WIM>')).totalBytes, null);
  });

  test('empty element is an empty string, not null', () => {
    const [e] = parseWimXml(utf16(`<WIM>${image(1, '<NAME></NAME><DESCRIPTION/>')}</WIM>`)).editions;
    assert.equal(e?.name, '');
    assert.equal(e?.description, '');
  });

  test('architectures: codes map to names, unknown codes keep the code', () => {
    const codes = [0, 5, 6, 9, 12, 7];
    const xml = `<WIM>${codes.map((c, i) => image(i + 1, `<WINDOWS><ARCH>${c}</ARCH></WINDOWS>`)).join('')}</WIM>`;
    const editions = parseWimXml(utf16(xml)).editions;
    assert.deepEqual(
      editions.map((e) => [e.architecture, e.architectureCode]),
      [['x86', 0], ['arm', 5], ['ia64', 6], ['x64', 9], ['arm64', 12], [null, 7]],
    );
  });

  test('several languages keep their order; version fields default to 0 but SPLEVEL to null', () => {
    const [e] = parseWimXml(
      utf16(`<WIM>${image(1, '<WINDOWS><LANGUAGES><LANGUAGE>en-US</LANGUAGE><LANGUAGE>de-DE</LANGUAGE>' +
        '<LANGUAGE>fr-FR</LANGUAGE><DEFAULT>de-DE</DEFAULT></LANGUAGES><VERSION><BUILD>22631</BUILD></VERSION></WINDOWS>')}</WIM>`),
    ).editions;
    assert.deepEqual(e?.languages, ['en-US', 'de-DE', 'fr-FR']);
    assert.equal(e?.defaultLanguage, 'de-DE');
    assert.deepEqual(e?.version, { major: 0, minor: 0, build: 22631, spBuild: 0, spLevel: null });
  });

  test('images are returned sorted by index', () => {
    const xml = `<WIM>${image(3, '<NAME>c</NAME>')}${image(1, '<NAME>a</NAME>')}${image(2, '<NAME>b</NAME>')}</WIM>`;
    assert.deepEqual(parseWimXml(utf16(xml)).editions.map((e) => [e.index, e.name]), [[1, 'a'], [2, 'b'], [3, 'c']]);
  });

  describe('encodings', () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?><WIM>${image(1, '<NAME>Ünïcödé 名前</NAME>')}</WIM>`;
    const cases: [string, Buffer][] = [
      ['UTF-16LE with BOM', utf16(xml)],
      ['UTF-16LE without BOM', Buffer.from(xml, 'utf16le')],
      ['UTF-8 without BOM', Buffer.from(xml, 'utf8')],
      ['UTF-8 with BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(xml, 'utf8')])],
      ['UTF-16LE with trailing NULs', Buffer.concat([utf16(xml), Buffer.alloc(6)])],
    ];
    for (const [name, buf] of cases) {
      test(name, () => assert.equal(parseWimXml(buf).editions[0]?.name, 'Ünïcödé 名前'));
    }
    test('odd-length UTF-16 is corrupt', () => corrupt(Buffer.concat([utf16('<WIM></WIM>'), Buffer.from([0x41])]), /odd number/));
    test('invalid UTF-8 is corrupt', () => corrupt(Buffer.from([0x3c, 0x57, 0xff, 0xfe, 0x3e]), /invalid utf-8/));
  });

  describe('entities', () => {
    test('standard and numeric references are decoded once', () => {
      const [e] = parseWimXml(utf16(`<WIM>${image(1, '<NAME>A &amp; B &lt;&gt; &quot;&apos; &#174;&#xAE; &amp;#65;</NAME>')}</WIM>`)).editions;
      assert.equal(e?.name, `A & B <> "' ®® &#65;`);
    });
    test('undefined entity is corrupt', () => corrupt(`<WIM>${image(1, '<NAME>&nbsp;</NAME>')}</WIM>`, /undefined entity &nbsp;/));
    test('DOCTYPE is refused', () =>
      corrupt(`<!DOCTYPE WIM [<!ENTITY a "aaaa">]><WIM>${image(1, '<NAME>&a;</NAME>')}</WIM>`, /document type/));
  });

  test('ESD/ENCRYPTED marks the WIM encrypted', () => {
    const info = parseWimXml(utf16(`<WIM>${image(1)}<ESD><ENCRYPTED><KEY>abc</KEY></ENCRYPTED></ESD></WIM>`));
    assert.equal(info.encrypted, true);
    assert.equal(parseWimXml(utf16(`<WIM>${image(1)}<ESD></ESD></WIM>`)).encrypted, false);
  });

  describe('corrupt XML', () => {
    const cases: [string, string, RegExp][] = [
      ['duplicate index', `<WIM>${image(1)}${image(1)}</WIM>`, /indexed 1\.\.2 exactly once/],
      ['gap in indexes', `<WIM>${image(1)}${image(3)}</WIM>`, /found index 3/],
      ['index 0', `<WIM>${image(0)}</WIM>`, /invalid INDEX/],
      ['leading zero index', `<WIM>${image('01')}</WIM>`, /invalid INDEX/],
      ['missing index', '<WIM><IMAGE><NAME>x</NAME></IMAGE></WIM>', /missing or invalid INDEX/],
      ['non-decimal count', `<WIM>${image(1, '<DIRCOUNT>12a</DIRCOUNT>')}</WIM>`, /<DIRCOUNT> is not a decimal/],
      ['negative size', `<WIM>${image(1, '<TOTALBYTES>-1</TOTALBYTES>')}</WIM>`, /<TOTALBYTES>/],
      ['bad FILETIME', `<WIM>${image(1, '<CREATIONTIME><HIGHPART>0xZZ</HIGHPART></CREATIONTIME>')}</WIM>`, /HIGHPART/],
      ['FILETIME part wider than 32 bits', `<WIM>${image(1, '<CREATIONTIME><LOWPART>0x100000000</LOWPART></CREATIONTIME>')}</WIM>`, /LOWPART/],
      ['wrong root', `<WIMX>${image(1)}</WIMX>`, /root element must be <WIM>/],
      ['two roots', '<WIM></WIM><WIM></WIM>', /not well-formed|root element/],
      ['not XML', 'garbage', /not well-formed/],
      ['empty', '', /not well-formed/],
      ['mismatched tags', `<WIM><IMAGE INDEX="1"></WIM>`, /not well-formed/],
    ];
    for (const [name, xml, message] of cases) test(name, () => corrupt(xml, message));
  });

  test('an XML resource above maxWimXmlBytes is refused before decoding', () => {
    assert.throws(() => parseWimXml(Buffer.alloc(MediaLimits.maxWimXmlBytes + 1)), MediaLimitError);
  });
});
