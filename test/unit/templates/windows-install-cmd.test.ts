import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AnswerFileError, renderInstallCmd, renderWinpeshl } from '../../../src/templates/index.js';
import { cmdValues } from './windows-fixtures.js';

const crlfOnly = (s: string) => /\r\n$/.test(s) && !/\r(?!\n)/.test(s) && !/(?<!\r)\n/.test(s);

describe('install.cmd', () => {
  for (const firmware of ['bios', 'uefi'] as const) {
    test(`${firmware}: CRLF only, stages in order, diskpart for ${firmware}`, () => {
      const script = renderInstallCmd(cmdValues({ firmware, diskId: 1, retries: 12 }));
      assert.ok(crlfOnly(script), 'CRLF line endings only');
      assert.match(script, /^@echo off\r\n/);
      const l = script.split('\r\n');
      const idx = (re: RegExp) => {
        const i = l.findIndex((x) => re.test(x));
        assert.ok(i >= 0, `missing ${re}`);
        return i;
      };
      const order = [
        /^setlocal EnableExtensions DisableDelayedExpansion$/,
        /^wpeinit$/,
        /^net use Y: "%VIZOR_STATUS%" "%VIZOR_PASSWORD%" \/user:"%VIZOR_USER%"/,
        /^call :report network-up$/,
        /^net use Z: "%VIZOR_MEDIA%" "%VIZOR_PASSWORD%" \/user:"%VIZOR_USER%"/,
        /^call :report media-mapped$/,
        /^echo select disk 1$/,
        /^diskpart \/s X:\\vizor-diskpart\.txt \|\| goto fail$/,
        /^call :report partitioned$/,
        /^Z:\\setup\.exe \/unattend:"%VIZOR_UNATTEND%" \/noreboot \|\| goto fail$/,
        /^call :report setup-done$/,
        /^wpeutil reboot$/,
      ].map(idx);
      assert.deepEqual(order, [...order].sort((a, b) => a - b), 'stages run in order');
      assert.ok(l.includes('set "VIZOR_RETRIES=12"'));
      assert.ok(l.includes('set "VIZOR_UNATTEND=X:\\Windows\\System32\\autounattend.xml"'));
      assert.ok(l.includes('> "Y:\\%VIZOR_NODE%.status" echo %~1'), 'status file per node');
      const diskpart = l.slice(idx(/^> X:\\vizor-diskpart\.txt \($/) + 1, idx(/^\)$/));
      assert.deepEqual(diskpart, firmware === 'uefi'
        ? ['echo select disk 1', 'echo clean', 'echo convert gpt', 'echo create partition efi size=260', 'echo format quick fs=fat32 label=System', 'echo create partition msr size=16', 'echo create partition primary', 'echo format quick fs=ntfs label=Windows', 'echo assign letter=W', 'echo exit']
        : ['echo select disk 1', 'echo clean', 'echo convert mbr', 'echo create partition primary size=500', 'echo format quick fs=ntfs label=System', 'echo active', 'echo create partition primary', 'echo format quick fs=ntfs label=Windows', 'echo assign letter=W', 'echo exit']);
    });
  }

  test('a failure reports failed-<stage> before leaving a shell open', () => {
    const l = renderInstallCmd(cmdValues()).split('\r\n');
    const i = l.indexOf(':fail');
    assert.deepEqual(l.slice(i, i + 2), [':fail', 'call :report failed-%VIZOR_STAGE%']);
  });

  const invalid: { name: string; over: Record<string, unknown>; field: string }[] = [
    { name: 'media share not UNC', over: { mediaShare: 'C:\\media' }, field: 'mediaShare' },
    { name: 'status share with a slash', over: { statusShare: '//server/status' }, field: 'statusShare' },
    { name: 'empty password', over: { sharePassword: '' }, field: 'sharePassword' },
    { name: 'node id with a space', over: { nodeId: 'a b' }, field: 'nodeId' },
    { name: 'unattend path relative', over: { unattendPath: 'autounattend.xml' }, field: 'unattendPath' },
    { name: 'retries 0', over: { retries: 0 }, field: 'retries' },
    { name: 'disk 64', over: { diskId: 64 }, field: 'diskId' },
    { name: 'firmware', over: { firmware: 'efi' }, field: 'firmware' },
  ];
  for (const c of invalid) {
    test(`refused: ${c.name}`, () => {
      assert.throws(() => renderInstallCmd(cmdValues(c.over as never)), (e: unknown) => e instanceof AnswerFileError && e.field === c.field);
    });
  }
});

describe('winpeshl.ini', () => {
  test('runs install.cmd through cmd, CRLF only', () => {
    const ini = renderWinpeshl();
    assert.ok(crlfOnly(ini));
    assert.deepEqual(ini.split('\r\n'), ['[LaunchApps]', '%SYSTEMROOT%\\System32\\cmd.exe, /c %SYSTEMROOT%\\System32\\install.cmd', '']);
  });
});
