/** Windows releases the answer-file templates support, keyed by a short id. */
export const WINDOWS_VERSIONS = {
  'windows-7': { family: 'client', archs: ['x86', 'amd64'], modernOobe: false, win11: false },
  'windows-8.1': { family: 'client', archs: ['x86', 'amd64'], modernOobe: true, win11: false },
  'windows-10': { family: 'client', archs: ['x86', 'amd64', 'arm64'], modernOobe: true, win11: false },
  'windows-11': { family: 'client', archs: ['amd64', 'arm64'], modernOobe: true, win11: true },
  'server-2012r2': { family: 'server', archs: ['amd64'], modernOobe: true, win11: false },
  'server-2016': { family: 'server', archs: ['amd64'], modernOobe: true, win11: false },
  'server-2019': { family: 'server', archs: ['amd64'], modernOobe: true, win11: false },
  'server-2022': { family: 'server', archs: ['amd64'], modernOobe: true, win11: false },
  'server-2025': { family: 'server', archs: ['amd64'], modernOobe: true, win11: false },
} as const satisfies Record<string, { family: 'client' | 'server'; archs: readonly WindowsArch[]; modernOobe: boolean; win11: boolean }>;

/** A supported Windows release id, e.g. `windows-10` or `server-2022`. */
export type WindowsVersion = keyof typeof WINDOWS_VERSIONS;

/** `processorArchitecture` of the unattend components; must match the boot.wim/install.wim being used. */
export type WindowsArch = 'x86' | 'amd64' | 'arm64';

/** Firmware of the target: decides MBR (bios) or GPT (uefi) partitioning. */
export type WindowsFirmware = 'bios' | 'uefi';

/** Which image of install.wim/esd to apply: `/IMAGE/INDEX` or `/IMAGE/NAME` from the catalog. */
export type ImageSelector = { index: number } | { name: string };

/** Language settings written to International-Core-WinPE (setup) and International-Core (installed OS). */
export interface LocaleSettings {
  /** UI language of Setup and the installed OS, e.g. `en-US`. */
  uiLanguage: string;
  /** Keyboard layout(s), e.g. `en-US` or `0409:00000409;0407:00000407`. */
  inputLocale: string;
  /** Language for non-Unicode programs, e.g. `en-US`. */
  systemLocale: string;
  /** Formats for dates, numbers and currency, e.g. `de-DE`. */
  userLocale: string;
}

/** A local account created in oobeSystem (UserAccounts/LocalAccounts). */
export interface LocalAccount {
  /** Account name: 1–20 characters, none of `" / \ [ ] : ; | = , + * ? < >`. */
  name: string;
  /** Plain password; encoded (never written in clear) into the answer file. */
  password: string;
  /** Local group, e.g. `Administrators` or `Users`. */
  group: string;
  /** Display name; defaults to `name`. */
  displayName?: string;
  /** Free-text description. */
  description?: string;
}

/** Values for the specialize and oobeSystem passes (shared by autounattend.xml and unattend.xml). */
export interface WindowsSetupValues {
  /** Release the answer file is for; decides which OOBE settings exist. */
  version: WindowsVersion;
  /** Architecture of every component; must be one the release ships for. */
  arch: WindowsArch;
  /** Language settings. */
  locale: LocaleSettings;
  /** Windows time zone id, e.g. `UTC` or `W. Europe Standard Time`. */
  timeZone: string;
  /** NetBIOS computer name: 1–15 of `A-Z a-z 0-9 -`, not all digits, not starting or ending with `-`. */
  computerName: string;
  /** Password of the built-in Administrator; encoded with the `AdministratorPassword` suffix. */
  adminPassword: string;
  /** Extra local accounts; may be empty. */
  localAccounts: LocalAccount[];
  /**
   * Log on automatically `logonCount` times (1–999) as `username` (`Administrator` or one of
   * `localAccounts`), so FirstLogonCommands run without a person. Omit for no AutoLogon.
   */
  autoLogon?: { username: string; logonCount: number };
  /** Command lines run in order at first logon (the provisioner starter). May be empty. */
  firstLogonCommands: string[];
  /** Join an Active Directory domain in specialize (UnattendedJoin). The password is in clear in the file: deliver it on a payload removed after first boot. */
  domainJoin?: { domain: string; ou?: string; user: string; password: string };
  /** A static IPv4 address on the NIC with this MAC, instead of DHCP (TCPIP + DNS-Client). */
  network?: { mac: string; ip: string; prefix: number; gateway?: string; dns: string[] };
  /** Registered owner / organization shown in winver; optional. */
  owner?: string;
  organization?: string;
}

/** Everything autounattend.xml needs: Setup in WinPE plus the installed OS. */
export interface WindowsInstallValues extends WindowsSetupValues {
  /** Image of install.wim/esd to apply. */
  image: ImageSelector;
  /** Product key (5×5 alphanumerics with dashes); the element is omitted when absent. */
  productKey?: string;
  /** Partition layout: `bios` = MBR (System 500 MB + Windows), `uefi` = GPT (EFI 260 MB, MSR 16 MB, Windows). */
  firmware: WindowsFirmware;
  /** Disk to install on (Setup's DiskID); default 0. */
  diskId?: number;
  /**
   * `setup` (default): Setup wipes and partitions the disk (DiskConfiguration).
   * `existing`: the disk was partitioned beforehand (install.cmd's diskpart); only InstallTo is written.
   */
  partitioning?: 'setup' | 'existing';
  /**
   * Windows 11 only: add LabConfig BypassTPMCheck/BypassSecureBootCheck/BypassRAMCheck in windowsPE.
   * Emitted only when exactly `true`; setting it for another release is an error.
   */
  bypassWin11Requirements?: boolean;
}

/** Values for install.cmd (WinPE): where the media and status shares are and how to log on. */
export interface InstallCmdValues {
  /** Node id used for status file names, e.g. the MAC as `52-54-00-aa-bb-01`. */
  nodeId: string;
  /** UNC of the read-only share holding the install media (setup.exe at its root), e.g. `\\10.0.0.1\win10`. */
  mediaShare: string;
  /** UNC of the writable share receiving status files, e.g. `\\10.0.0.1\status`. */
  statusShare: string;
  /** SMB user, e.g. `winstall` or `VIZOR\winstall`; used for both shares. */
  shareUser: string;
  /** SMB password; must not contain cmd metacharacters (see renderInstallCmd). */
  sharePassword: string;
  /** Partition layout written by diskpart; must match autounattend's firmware. */
  firmware: WindowsFirmware;
  /** Disk diskpart cleans (0–63); default 0. */
  diskId?: number;
  /** Attempts to map each share, 5 s apart (1–999); default 30. */
  retries?: number;
  /** Answer file passed to setup.exe; default `X:\Windows\System32\autounattend.xml` (wimboot injects it there). */
  unattendPath?: string;
}
