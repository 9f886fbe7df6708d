import { AnswerFileError } from './errors.js';
import { encodeUnattendPassword } from './password.js';
import { WINDOWS_VERSIONS } from './types.js';
import type { WindowsInstallValues, WindowsSetupValues } from './types.js';

/** Characters XML 1.0 cannot carry at all (C0 controls other than tab/LF/CR, lone surrogates, U+FFFE/F). */
const XML_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** Control characters, forbidden in one-line values (a newline would change a command line). */
const CONTROL = /[\u0000-\u001F\u007F]/;
const NETBIOS = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,13}[A-Za-z0-9])?$/;
const ACCOUNT_FORBIDDEN = /["/\\[\]:;|=,+*?<>]/;
const LANGUAGE = /^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/;
const INPUT_LOCALE = /^(?:[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*|[0-9A-Fa-f]{4}:[0-9A-Fa-f]{8}|[0-9A-Fa-f]{4}:\{[0-9A-Fa-f-]{36}\}\{[0-9A-Fa-f-]{36}\})(?:;(?:[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*|[0-9A-Fa-f]{4}:[0-9A-Fa-f]{8}))*$/;
const TIME_ZONE = /^[A-Za-z0-9][A-Za-z0-9 .+()-]{0,79}$/;
const MAC = /^[0-9A-Fa-f]{2}([:-][0-9A-Fa-f]{2}){5}$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const DOMAIN = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const PRODUCT_KEY = /^[A-Za-z0-9]{5}(?:-[A-Za-z0-9]{5}){4}$/;

function fail(field: string, message: string): never {
  throw new AnswerFileError(field, message);
}

function text(field: string, value: unknown, opts: { max?: number; allowEmpty?: boolean } = {}): string {
  if (typeof value !== 'string') fail(field, `must be a string, got ${typeof value}`);
  if (!opts.allowEmpty && value.length === 0) fail(field, 'must not be empty');
  if (value.length > (opts.max ?? 1024)) fail(field, `longer than ${opts.max ?? 1024} characters`);
  if (XML_INVALID.test(value) || CONTROL.test(value)) fail(field, 'contains a control or non-XML character');
  return value;
}

function pattern(field: string, value: unknown, re: RegExp, hint: string): string {
  const s = text(field, value, { max: 256 });
  if (!re.test(s)) fail(field, `${JSON.stringify(s.slice(0, 60))} is not ${hint}`);
  return s;
}

function integer(field: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) fail(field, `must be an integer from ${min} to ${max}`);
  return value;
}

/** Checks a NetBIOS computer name: ≤15 characters of letters, digits and inner hyphens, not all digits. */
export function checkComputerName(name: unknown): string {
  const s = text('computerName', name, { max: 64 });
  if (s.length > 15) fail('computerName', `${JSON.stringify(s.slice(0, 60))} is longer than 15 characters (NetBIOS limit)`);
  if (!NETBIOS.test(s) || /^[0-9]+$/.test(s)) fail('computerName', `${JSON.stringify(s)} is not a NetBIOS name (letters, digits, inner hyphens; not all digits)`);
  return s;
}

function accountName(field: string, value: unknown): string {
  const s = text(field, value, { max: 20 });
  if (ACCOUNT_FORBIDDEN.test(s) || /^[. ]+$/.test(s)) fail(field, `${JSON.stringify(s)} is not a valid Windows account name`);
  return s;
}

/** The template context for specialize + oobeSystem, with passwords already encoded. */
export function setupContext(v: WindowsSetupValues): Record<string, unknown> {
  const info = WINDOWS_VERSIONS[v.version];
  if (!info) fail('version', `${JSON.stringify(v.version)} is not one of ${Object.keys(WINDOWS_VERSIONS).join(', ')}`);
  if (!(info.archs as readonly string[]).includes(v.arch)) fail('arch', `${v.version} has no ${JSON.stringify(v.arch)} release (use ${info.archs.join(' or ')})`);
  const locale = {
    uiLanguage: pattern('locale.uiLanguage', v.locale?.uiLanguage, LANGUAGE, 'a language tag like en-US'),
    inputLocale: pattern('locale.inputLocale', v.locale?.inputLocale, INPUT_LOCALE, 'an input locale like en-US or 0409:00000409'),
    systemLocale: pattern('locale.systemLocale', v.locale?.systemLocale, LANGUAGE, 'a language tag like en-US'),
    userLocale: pattern('locale.userLocale', v.locale?.userLocale, LANGUAGE, 'a language tag like en-US'),
  };
  const accounts = (v.localAccounts ?? []).map((a, i) => {
    const name = accountName(`localAccounts[${i}].name`, a.name);
    if (name.toLowerCase() === 'administrator') fail(`localAccounts[${i}].name`, 'the built-in Administrator is set with adminPassword');
    return {
      name,
      displayName: text(`localAccounts[${i}].displayName`, a.displayName ?? name, { max: 256 }),
      description: text(`localAccounts[${i}].description`, a.description ?? '', { max: 256, allowEmpty: true }),
      group: accountName(`localAccounts[${i}].group`, a.group),
      password: encodeUnattendPassword(text(`localAccounts[${i}].password`, a.password, { max: 127 }), 'account'),
    };
  });
  const names = accounts.map((a) => a.name.toLowerCase());
  if (new Set(names).size !== names.length) fail('localAccounts', 'account names must be unique');
  let autoLogon: Record<string, unknown> | null = null;
  if (v.autoLogon !== undefined) {
    const user = accountName('autoLogon.username', v.autoLogon.username);
    const count = integer('autoLogon.logonCount', v.autoLogon.logonCount, 1, 999);
    const isAdmin = user.toLowerCase() === 'administrator';
    const idx = names.indexOf(user.toLowerCase());
    if (!isAdmin && idx < 0) fail('autoLogon.username', `${JSON.stringify(user)} is neither Administrator nor one of localAccounts`);
    const plain = isAdmin ? v.adminPassword : v.localAccounts[idx]!.password;
    autoLogon = { username: isAdmin ? 'Administrator' : accounts[idx]!.name, logonCount: count, password: encodeUnattendPassword(plain, 'account') };
  }
  const commands = (v.firstLogonCommands ?? []).map((c, i) => text(`firstLogonCommands[${i}]`, c, { max: 1024 }));
  let network: Record<string, unknown> | null = null;
  if (v.network !== undefined) {
    const n = v.network;
    const mac = pattern('network.mac', n.mac, MAC, 'a MAC address like 52:54:00:12:34:56');
    const prefix = integer('network.prefix', n.prefix, 1, 32);
    network = {
      // Windows names interfaces by MAC as upper-case hyphenated hex.
      mac: mac.toUpperCase().replace(/:/g, '-'),
      ip: pattern('network.ip', n.ip, IPV4, 'an IPv4 address'),
      prefix,
      gateway: n.gateway === undefined ? null : pattern('network.gateway', n.gateway, IPV4, 'an IPv4 address'),
      dns: (n.dns ?? []).map((d, i) => pattern(`network.dns[${i}]`, d, IPV4, 'an IPv4 address')),
    };
  }
  let domainJoin: Record<string, unknown> | null = null;
  if (v.domainJoin !== undefined) {
    const d = v.domainJoin;
    domainJoin = {
      domain: pattern('domainJoin.domain', d.domain, DOMAIN, 'a DNS domain like corp.example.org'),
      ou: d.ou === undefined ? null : text('domainJoin.ou', d.ou, { max: 512 }),
      user: text('domainJoin.user', d.user, { max: 256 }),
      password: text('domainJoin.password', d.password, { max: 256 }),
    };
  }
  return {
    arch: v.arch,
    modernOobe: info.modernOobe,
    locale,
    timeZone: pattern('timeZone', v.timeZone, TIME_ZONE, 'a Windows time zone id like "W. Europe Standard Time"'),
    computerName: checkComputerName(v.computerName),
    adminPassword: encodeUnattendPassword(text('adminPassword', v.adminPassword, { max: 127 }), 'administrator'),
    accounts,
    autoLogon,
    firstLogonCommands: commands,
    network,
    domainJoin,
    owner: text('owner', v.owner ?? 'vizor', { max: 256 }),
    organization: text('organization', v.organization ?? 'vizor', { max: 256 }),
  };
}

/** The template context for autounattend.xml: windowsPE values plus setupContext. */
export function installContext(v: WindowsInstallValues): Record<string, unknown> {
  const base = setupContext(v);
  const info = WINDOWS_VERSIONS[v.version];
  if (v.firmware !== 'bios' && v.firmware !== 'uefi') fail('firmware', `must be "bios" or "uefi", got ${JSON.stringify(v.firmware)}`);
  if (v.firmware === 'bios' && v.arch === 'arm64') fail('firmware', 'arm64 machines boot with UEFI only');
  if (v.bypassWin11Requirements !== undefined && typeof v.bypassWin11Requirements !== 'boolean') fail('bypassWin11Requirements', 'must be a boolean');
  const bypass = v.bypassWin11Requirements === true;
  if (bypass && !info.win11) fail('bypassWin11Requirements', `only applies to windows-11, not ${v.version}`);
  const image = v.image as { index?: unknown; name?: unknown } | undefined;
  let selector: { key: string; value: string };
  if (image && 'index' in image && !('name' in image)) selector = { key: '/IMAGE/INDEX', value: String(integer('image.index', image.index, 1, 999)) };
  else if (image && 'name' in image && !('index' in image)) selector = { key: '/IMAGE/NAME', value: text('image.name', image.name, { max: 256 }) };
  else fail('image', 'give exactly one of index or name');
  const productKey = v.productKey === undefined ? null : pattern('productKey', v.productKey, PRODUCT_KEY, 'a product key (XXXXX-XXXXX-XXXXX-XXXXX-XXXXX)');
  const partitioning = v.partitioning ?? 'setup';
  if (partitioning !== 'setup' && partitioning !== 'existing') fail('partitioning', 'must be "setup" or "existing"');
  return {
    ...base,
    image: selector,
    productKey,
    firmware: v.firmware,
    diskId: integer('diskId', v.diskId ?? 0, 0, 63),
    partitioning,
    windowsPartition: v.firmware === 'uefi' ? 3 : 2,
    bypassWin11Requirements: bypass,
  };
}
