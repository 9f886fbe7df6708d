import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDiskInfo, parseTreeInfo, recogniseLangPack, recogniseTools } from '../../../src/media/classify-names.js';

describe('recogniseLangPack', () => {
  const cases: { path: string; want: ReturnType<typeof recogniseLangPack> }[] = [
    { path: '/x64/langpacks/Microsoft-Windows-Client-Language-Pack_x64_de-de.cab', want: { path: '/x64/langpacks/Microsoft-Windows-Client-Language-Pack_x64_de-de.cab', edition: 'Client', arch: 'x64', locale: 'de-DE' } },
    { path: '/LanguagesAndOptionalFeatures/Microsoft-Windows-Server-Language-Pack_amd64_fr-fr.cab', want: { path: '/LanguagesAndOptionalFeatures/Microsoft-Windows-Server-Language-Pack_amd64_fr-fr.cab', edition: 'Server', arch: 'x64', locale: 'fr-FR' } },
    { path: '/arm64/Microsoft-Windows-Client-Language-Pack_arm64_pt-br.cab', want: { path: '/arm64/Microsoft-Windows-Client-Language-Pack_arm64_pt-br.cab', edition: 'Client', arch: 'arm64', locale: 'pt-BR' } },
    { path: '/langpacks/de-de/lp.cab', want: { path: '/langpacks/de-de/lp.cab', edition: null, arch: null, locale: 'de-DE' } },
    { path: '/x86/langpacks/ja-jp/LP.CAB', want: { path: '/x86/langpacks/ja-jp/LP.CAB', edition: null, arch: 'x86', locale: 'ja-JP' } },
    { path: '/sources/lp.cab', want: null },
    { path: '/x64/langpacks/readme.txt', want: null },
    { path: '/Microsoft-Windows-Client-Language-Pack_x64_.cab', want: null },
  ];
  for (const c of cases) test(c.path, () => assert.deepEqual(recogniseLangPack(c.path), c.want));
});

describe('recogniseTools', () => {
  const cases: { names: string[]; label: string; want: ReturnType<typeof recogniseTools> }[] = [
    { names: ['virtio-win-guest-tools.exe', 'NetKVM', 'viostor'], label: 'virtio-win-0.1.240', want: { family: 'virtio', version: '0.1.240' } },
    { names: ['NetKVM', 'viostor', 'Balloon'], label: 'CDROM', want: { family: 'virtio', version: null } },
    { names: ['managementagentx64.msi', 'managementagentx86.msi', 'Setup.exe'], label: 'XenServer Tools 8.2.1', want: { family: 'xenserver', version: '8.2.1' } },
    { names: ['Setup.exe'], label: 'XCP-ng Tools 8.3', want: { family: 'xcp-ng', version: '8.3' } },
    { names: ['VMware Tools64.msi', 'setup64.exe'], label: 'VMware Tools', want: { family: 'vmware', version: null } },
    { names: ['setup.exe', 'sources'], label: 'CCSA_X64FRE_EN-US_DV5', want: null },
  ];
  for (const c of cases) test(`${c.label} [${c.names.join(',')}]`, () => assert.deepEqual(recogniseTools(c.names, c.label), c.want));
});

describe('parseDiskInfo', () => {
  const cases = [
    { text: 'Debian GNU/Linux 12.11.0 "Bookworm" - Official amd64 NETINST with firmware 20250517-09:51', want: { distro: 'debian', release: '12.11.0', codename: 'Bookworm', arch: 'amd64' } },
    { text: 'Ubuntu-Server 24.04.1 LTS "Noble Numbat" - Release amd64 (20240827)\n', want: { distro: 'ubuntu', release: '24.04.1', codename: 'Noble Numbat', arch: 'amd64' } },
    { text: 'Debian GNU/Linux testing "Trixie" - Official Snapshot arm64 NETINST', want: { distro: 'debian', release: null, codename: 'Trixie', arch: 'arm64' } },
  ];
  for (const c of cases) test(c.text.slice(0, 40), () => assert.deepEqual(parseDiskInfo(c.text), c.want));
});

describe('parseTreeInfo', () => {
  test('Rocky Linux 9 .treeinfo', () => {
    const text = '[header]\ntype = productmd.treeinfo\nversion = 1.2\n\n[general]\narch = x86_64\nfamily = Rocky Linux\nname = Rocky Linux 9.4\nversion = 9.4\n\n[images-x86_64]\nefiboot.img = images/efiboot.img\ninitrd = images/pxeboot/initrd.img\nkernel = images/pxeboot/vmlinuz\n\n[tree]\narch = x86_64\n';
    assert.deepEqual(parseTreeInfo(text), { distro: 'rocky', release: '9.4', codename: null, arch: 'x86_64', kernel: 'images/pxeboot/vmlinuz', initrd: 'images/pxeboot/initrd.img' });
  });
  test('garbage gives an unknown tree, not an exception', () => {
    const t = parseTreeInfo('\u0000\u0001 not an ini = \n[');
    assert.equal(t.distro, 'unknown');
    assert.equal(t.kernel, null);
  });
});
