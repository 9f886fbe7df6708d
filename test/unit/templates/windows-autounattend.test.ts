import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { XMLValidator } from 'fast-xml-parser';
import {
  AnswerFileError,
  UNATTEND_PASSES,
  WINDOWS_VERSIONS,
  checkAnswerFile,
  decodeUnattendPassword,
  renderAutounattend,
  renderUnattend,
} from '../../../src/templates/index.js';
import type { WindowsArch, WindowsFirmware, WindowsVersion } from '../../../src/templates/index.js';
import { at, component, installValues, passes } from './windows-fixtures.js';

const isAnswerFileError = (field: string) => (e: unknown) => e instanceof AnswerFileError && e.code === 'ANSWER_FILE' && e.field === field;

describe('autounattend.xml for every supported release, architecture and firmware', () => {
  for (const [version, info] of Object.entries(WINDOWS_VERSIONS) as [WindowsVersion, (typeof WINDOWS_VERSIONS)[WindowsVersion]][]) {
    for (const arch of info.archs as readonly WindowsArch[]) {
      for (const firmware of ['bios', 'uefi'] as WindowsFirmware[]) {
        if (arch === 'arm64' && firmware === 'bios') continue;
        for (const image of [{ index: 4 }, { name: 'Windows Server 2022 SERVERSTANDARD' }]) {
          const label = `${version} ${arch} ${firmware} ${'index' in image ? 'index' : 'name'}`;
          test(label, () => {
            const xml = renderAutounattend(installValues({ version, arch, firmware, image }));
            assert.equal(XMLValidator.validate(xml), true);
            const p = passes(xml);
            assert.deepEqual([...p.keys()], ['windowsPE', 'specialize', 'oobeSystem']);
            for (const s of p.values()) {
              for (const c of s['component'] as Record<string, unknown>[]) assert.equal(c['@processorArchitecture'], arch);
            }
            const setup = component(xml, 'windowsPE', 'Microsoft-Windows-Setup');
            const meta = at(setup, 'ImageInstall', 'OSImage', 'InstallFrom', 'MetaData');
            assert.deepEqual(meta, 'index' in image
              ? { Key: '/IMAGE/INDEX', Value: '4', '@wcm:action': 'add' }
              : { Key: '/IMAGE/NAME', Value: image.name, '@wcm:action': 'add' });
            assert.equal(at(setup, 'ImageInstall', 'OSImage', 'InstallTo', 'PartitionID'), firmware === 'uefi' ? '3' : '2');
            const parts = at(setup, 'DiskConfiguration', 'Disk', 'CreatePartitions', 'CreatePartition') as Record<string, string>[];
            assert.deepEqual(parts.map((x) => [x['Type'], x['Size'] ?? 'extend']), firmware === 'uefi'
              ? [['EFI', '260'], ['MSR', '16'], ['Primary', 'extend']]
              : [['Primary', '500'], ['Primary', 'extend']]);
            assert.equal(at(setup, 'UserData', 'ProductKey'), undefined, 'no product key element without a key');
            assert.equal(at(setup, 'RunSynchronous'), undefined, 'no bypass without opt-in');
            assert.doesNotMatch(xml, /LabConfig/);
            const winpe = component(xml, 'windowsPE', 'Microsoft-Windows-International-Core-WinPE');
            assert.equal(at(winpe, 'SetupUILanguage', 'UILanguage'), 'en-US');
            assert.equal(at(winpe, 'UserLocale'), 'en-GB');
            assert.equal(at(component(xml, 'oobeSystem', 'Microsoft-Windows-International-Core'), 'InputLocale'), '0409:00000409');
            const spec = component(xml, 'specialize', 'Microsoft-Windows-Shell-Setup');
            assert.equal(at(spec, 'ComputerName'), 'PC-01');
            assert.equal(at(spec, 'TimeZone'), 'W. Europe Standard Time');
            const oobe = component(xml, 'oobeSystem', 'Microsoft-Windows-Shell-Setup');
            assert.equal(at(oobe, 'AutoLogon', 'LogonCount'), '5');
            assert.equal(at(oobe, 'AutoLogon', 'Username'), 'vizor');
            assert.equal(decodeUnattendPassword(String(at(oobe, 'AutoLogon', 'Password', 'Value')), 'account'), 'Us3r-pw');
            assert.equal(decodeUnattendPassword(String(at(oobe, 'UserAccounts', 'AdministratorPassword', 'Value')), 'administrator'), 'Adm1n-pw');
            assert.equal(at(oobe, 'FirstLogonCommands', 'SynchronousCommand', 'CommandLine'), 'cmd /c C:\\vizor\\start.cmd');
            // Windows 7's Shell-Setup has no HideOnlineAccountScreens; an unknown setting fails Setup.
            assert.equal(at(oobe, 'OOBE', 'HideOnlineAccountScreens') !== undefined, info.modernOobe);
          });
        }
      }
    }
  }
});

describe('autounattend.xml options', () => {
  test('a product key is written when given', () => {
    const xml = renderAutounattend(installValues({ productKey: 'W269N-WFGWX-YVC9B-4J6C9-T83GX' }));
    assert.equal(at(component(xml, 'windowsPE', 'Microsoft-Windows-Setup'), 'UserData', 'ProductKey', 'Key'), 'W269N-WFGWX-YVC9B-4J6C9-T83GX');
  });

  test('an empty or malformed product key is refused, never written empty', () => {
    for (const productKey of ['', 'W269N-WFGWX', 'W269N-WFGWX-YVC9B-4J6C9-T83G<']) {
      assert.throws(() => renderAutounattend(installValues({ productKey })), isAnswerFileError('productKey'));
    }
  });

  test('Windows 11 bypass keys appear only when opted in', () => {
    for (const bypass of [undefined, false]) {
      const xml = renderAutounattend(installValues({ version: 'windows-11', bypassWin11Requirements: bypass }));
      assert.doesNotMatch(xml, /LabConfig|Bypass/);
    }
    const xml = renderAutounattend(installValues({ version: 'windows-11', bypassWin11Requirements: true }));
    const cmds = at(component(xml, 'windowsPE', 'Microsoft-Windows-Setup'), 'RunSynchronous', 'RunSynchronousCommand') as Record<string, string>[];
    assert.deepEqual(cmds.map((c) => [c['Order'], c['Path']]), ['BypassTPMCheck', 'BypassSecureBootCheck', 'BypassRAMCheck']
      .map((k, i) => [String(i + 1), `reg add HKLM\\SYSTEM\\Setup\\LabConfig /v ${k} /t REG_DWORD /d 1 /f`]));
  });

  test('the bypass is refused for other releases and for non-boolean opt-ins', () => {
    assert.throws(() => renderAutounattend(installValues({ version: 'windows-10', bypassWin11Requirements: true })), isAnswerFileError('bypassWin11Requirements'));
    assert.throws(() => renderAutounattend(installValues({ version: 'windows-11', bypassWin11Requirements: 'yes' as unknown as boolean })), isAnswerFileError('bypassWin11Requirements'));
  });

  test('partitioning "existing" keeps InstallTo and drops DiskConfiguration', () => {
    for (const [firmware, part] of [['uefi', '3'], ['bios', '2']] as const) {
      const setup = component(renderAutounattend(installValues({ firmware, partitioning: 'existing', diskId: 1 })), 'windowsPE', 'Microsoft-Windows-Setup');
      assert.equal(at(setup, 'DiskConfiguration'), undefined);
      assert.deepEqual(at(setup, 'ImageInstall', 'OSImage', 'InstallTo'), { DiskID: '1', PartitionID: part });
    }
  });

  test('no AutoLogon and no FirstLogonCommands when none are asked for', () => {
    const oobe = component(renderAutounattend(installValues({ autoLogon: undefined, firstLogonCommands: [], localAccounts: [] })), 'oobeSystem', 'Microsoft-Windows-Shell-Setup');
    assert.equal(at(oobe, 'AutoLogon'), undefined);
    assert.equal(at(oobe, 'FirstLogonCommands'), undefined);
    assert.equal(at(oobe, 'UserAccounts', 'LocalAccounts'), undefined);
  });

  test('AutoLogon as Administrator uses the admin password with the Password suffix', () => {
    const oobe = component(renderAutounattend(installValues({ autoLogon: { username: 'administrator', logonCount: 1 } })), 'oobeSystem', 'Microsoft-Windows-Shell-Setup');
    assert.equal(at(oobe, 'AutoLogon', 'Username'), 'Administrator');
    assert.equal(decodeUnattendPassword(String(at(oobe, 'AutoLogon', 'Password', 'Value')), 'account'), 'Adm1n-pw');
  });

  test('several first-logon commands keep their order', () => {
    const oobe = component(renderAutounattend(installValues({ firstLogonCommands: ['a.cmd', 'b.cmd', 'c.cmd'] })), 'oobeSystem', 'Microsoft-Windows-Shell-Setup');
    const cmds = at(oobe, 'FirstLogonCommands', 'SynchronousCommand') as Record<string, string>[];
    assert.deepEqual(cmds.map((c) => [c['Order'], c['CommandLine'], c['RequiresUserInput']]), [['1', 'a.cmd', 'false'], ['2', 'b.cmd', 'false'], ['3', 'c.cmd', 'false']]);
  });

  const invalid: { name: string; over: Record<string, unknown>; field: string }[] = [
    { name: 'unknown release', over: { version: 'windows-xp' }, field: 'version' },
    { name: 'Windows 11 on x86', over: { version: 'windows-11', arch: 'x86' }, field: 'arch' },
    { name: 'Server 2022 on arm64', over: { version: 'server-2022', arch: 'arm64' }, field: 'arch' },
    { name: 'arm64 with BIOS', over: { version: 'windows-11', arch: 'arm64', firmware: 'bios' }, field: 'firmware' },
    { name: 'unknown firmware', over: { firmware: 'coreboot' }, field: 'firmware' },
    { name: 'image index 0', over: { image: { index: 0 } }, field: 'image.index' },
    { name: 'image with index and name', over: { image: { index: 1, name: 'x' } }, field: 'image' },
    { name: 'image with neither', over: { image: {} }, field: 'image' },
    { name: 'empty image name', over: { image: { name: '' } }, field: 'image.name' },
    { name: 'bad UI language', over: { locale: { uiLanguage: 'en US', inputLocale: 'en-US', systemLocale: 'en-US', userLocale: 'en-US' } }, field: 'locale.uiLanguage' },
    { name: 'bad input locale', over: { locale: { uiLanguage: 'en-US', inputLocale: '0409<', systemLocale: 'en-US', userLocale: 'en-US' } }, field: 'locale.inputLocale' },
    { name: 'bad time zone', over: { timeZone: 'UTC</TimeZone>' }, field: 'timeZone' },
    { name: 'logon count 0', over: { autoLogon: { username: 'vizor', logonCount: 0 } }, field: 'autoLogon.logonCount' },
    { name: 'autologon as an unknown user', over: { autoLogon: { username: 'nobody', logonCount: 1 } }, field: 'autoLogon.username' },
    { name: 'account named Administrator', over: { localAccounts: [{ name: 'Administrator', password: 'x', group: 'Users' }] }, field: 'localAccounts[0].name' },
    { name: 'account name with a slash', over: { localAccounts: [{ name: 'a/b', password: 'x', group: 'Users' }] }, field: 'localAccounts[0].name' },
    { name: 'duplicate accounts', over: { localAccounts: [{ name: 'a', password: 'x', group: 'Users' }, { name: 'A', password: 'y', group: 'Users' }], autoLogon: undefined }, field: 'localAccounts' },
    { name: 'empty admin password', over: { adminPassword: '' }, field: 'adminPassword' },
    { name: 'newline in a first-logon command', over: { firstLogonCommands: ['a\nb'] }, field: 'firstLogonCommands[0]' },
    { name: 'disk id 64', over: { diskId: 64 }, field: 'diskId' },
  ];
  for (const c of invalid) {
    test(`refused: ${c.name}`, () => {
      assert.throws(() => renderAutounattend(installValues(c.over as never)), isAnswerFileError(c.field));
    });
  }
});

describe('unattend.xml (after sysprep)', () => {
  test('has specialize and oobeSystem only, and passes the checks', () => {
    const xml = renderUnattend(installValues({ version: 'server-2025' }));
    assert.deepEqual([...passes(xml).keys()], ['specialize', 'oobeSystem']);
    assert.equal(at(component(xml, 'specialize', 'Microsoft-Windows-Shell-Setup'), 'ComputerName'), 'PC-01');
  });
});

describe('checkAnswerFile refuses what the templates must never produce', () => {
  const head = '<unattend xmlns="urn:schemas-microsoft-com:unattend">';
  const comp = (name: string, arch = 'amd64') => `<component name="${name}" processorArchitecture="${arch}"/>`;
  const cases: { name: string; xml: string; field: string }[] = [
    { name: 'not well-formed', xml: `${head}<settings pass="specialize">`, field: 'xml' },
    { name: 'wrong root', xml: '<unattended/>', field: 'xml' },
    { name: 'wrong namespace', xml: '<unattend xmlns="urn:x"><settings pass="specialize"/></unattend>', field: 'xml' },
    { name: 'unknown pass', xml: `${head}<settings pass="firstBoot">${comp('Microsoft-Windows-Shell-Setup')}</settings></unattend>`, field: 'pass' },
    { name: 'pass twice', xml: `${head}<settings pass="specialize"/><settings pass="specialize"/></unattend>`, field: 'pass' },
    { name: 'no pass', xml: `${head}</unattend>`, field: 'pass' },
    { name: 'unlisted component', xml: `${head}<settings pass="specialize">${comp('Microsoft-Windows-Deployment')}</settings></unattend>`, field: 'component' },
    { name: 'component in the wrong pass', xml: `${head}<settings pass="specialize">${comp('Microsoft-Windows-Setup')}</settings></unattend>`, field: 'component' },
    { name: 'component twice', xml: `${head}<settings pass="specialize">${comp('Microsoft-Windows-Shell-Setup')}${comp('Microsoft-Windows-Shell-Setup')}</settings></unattend>`, field: 'component' },
    { name: 'other architecture', xml: `${head}<settings pass="specialize">${comp('Microsoft-Windows-Shell-Setup', 'x86')}</settings></unattend>`, field: 'component' },
  ];
  for (const c of cases) {
    test(c.name, () => assert.throws(() => checkAnswerFile(c.xml, 'amd64'), isAnswerFileError(c.field)));
  }

  test('the pass list is the seven documented passes', () => {
    assert.deepEqual([...UNATTEND_PASSES], ['windowsPE', 'offlineServicing', 'generalize', 'specialize', 'auditSystem', 'auditUser', 'oobeSystem']);
  });
});
