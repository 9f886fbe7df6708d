import { parseAnswerFile } from '../../../src/templates/index.js';
import type { InstallCmdValues, WindowsInstallValues } from '../../../src/templates/index.js';

/** A valid install for windows-10 amd64 UEFI; tests override single fields. */
export function installValues(over: Partial<WindowsInstallValues> = {}): WindowsInstallValues {
  return {
    version: 'windows-10',
    arch: 'amd64',
    image: { index: 6 },
    locale: { uiLanguage: 'en-US', inputLocale: '0409:00000409', systemLocale: 'en-US', userLocale: 'en-GB' },
    timeZone: 'W. Europe Standard Time',
    computerName: 'PC-01',
    adminPassword: 'Adm1n-pw',
    localAccounts: [{ name: 'vizor', password: 'Us3r-pw', group: 'Administrators', displayName: 'Vizor provisioner' }],
    autoLogon: { username: 'vizor', logonCount: 5 },
    firstLogonCommands: ['cmd /c C:\\vizor\\start.cmd'],
    firmware: 'uefi',
    ...over,
  };
}

/** Valid install.cmd values; tests override single fields. */
export function cmdValues(over: Partial<InstallCmdValues> = {}): InstallCmdValues {
  return {
    nodeId: '52-54-00-aa-bb-01',
    mediaShare: '\\\\10.77.0.1\\win10',
    statusShare: '\\\\10.77.0.1\\status',
    shareUser: 'winstall',
    sharePassword: 'Str0ng pass-word.',
    firmware: 'uefi',
    ...over,
  };
}

type Node = Record<string, unknown>;

/** The parsed `<settings>` elements of an answer file, keyed by pass. */
export function passes(xml: string): Map<string, Node> {
  const root = parseAnswerFile(xml)['unattend'] as Node;
  return new Map((root['settings'] as Node[]).map((s) => [String(s['@pass']), s]));
}

/** One component of one pass, or throws. */
export function component(xml: string, pass: string, name: string): Node {
  const s = passes(xml).get(pass);
  const c = (s?.['component'] as Node[] | undefined)?.find((x) => x['@name'] === name);
  if (!c) throw new Error(`no ${name} in ${pass}`);
  return c;
}

/** Follows a path of element names, returning the value. */
export function at(node: unknown, ...path: string[]): unknown {
  let cur = node;
  for (const p of path) cur = (cur as Node | undefined)?.[p];
  return cur;
}
