// The test guest: a small Linux (Debian's d-i kernel + busybox) that plays an OS installer
// and the installed OS in end-to-end tests. scripts/test-guest/build.sh builds it into a
// cache folder; buildTestGuest runs that script (once per process and port) and returns
// the paths. See scripts/test-guest/build.sh for what each file is.
import { execFile } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export { parseGuestReport, type GuestReport } from './report.js';
export { startRecorder, type Recorder, type RecordedRequest } from './recorder.js';

// dist/test/helpers/guest/index.js or test/helpers/guest/index.ts: the repo root is four levels up.
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', ...(import.meta.url.includes('/dist/') ? ['..'] : []));
const buildScript = join(repoRoot, 'scripts', 'test-guest', 'build.sh');

/** Options of buildTestGuest. */
export interface TestGuestOptions {
  /** Port the installed disk reports to (`http://<DHCP server>:<port>/guest/hello`) without a payload; default 8080. */
  httpPort?: number;
}

/** Paths of a built test guest. */
export interface TestGuest {
  /** The cache folder holding everything below. */
  dir: string;
  /** Debian's d-i kernel (bzImage). */
  kernel: string;
  /** Initramfs A: fetches url=, calls the preseed's stage and done URLs, writes diskImage to the first disk, powers off. */
  initrdInstaller: string;
  /** Initramfs B: the installed OS; reads a floppy/CD payload (vizor.txt) and reports. */
  initrdFirstboot: string;
  /** Raw 64 MiB disk (MBR, FAT16, syslinux) that boots kernel + initramfs B. */
  diskImage: string;
  /** ISO that vizor catalogs as a Debian installer: install.amd/vmlinuz + install.amd/initrd.gz (A). */
  installerIso: string;
  /** The port baked into the disk's kernel command line (vizor.port=). */
  httpPort: number;
}

const built = new Map<number, Promise<TestGuest>>();

function runBuild(port: number): Promise<TestGuest> {
  return new Promise((resolvePromise, reject) => {
    execFile(
      'bash',
      [buildScript],
      { cwd: repoRoot, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, VIZOR_GUEST_HTTP_PORT: String(port) } },
      (err, stdout, stderr) => {
        if (err) {
          const missing = /install the Debian packages: (.*)/.exec(stderr)?.[1];
          const hint = missing
            ? `missing tools for the test guest: install the Debian packages ${missing} (apt-get install --no-install-recommends ${missing})`
            : `scripts/test-guest/build.sh failed (exit ${err.code ?? '?'})`;
          reject(new Error(`${hint}\n${stderr.trim()}`));
          return;
        }
        const dir = stdout.trim().split('\n').pop();
        if (!dir) {
          reject(new Error('scripts/test-guest/build.sh printed no output directory'));
          return;
        }
        resolvePromise({
          dir,
          kernel: join(dir, 'vmlinuz'),
          initrdInstaller: join(dir, 'initrd-installer.gz'),
          initrdFirstboot: join(dir, 'initrd-firstboot.gz'),
          diskImage: join(dir, 'disk.img'),
          installerIso: join(dir, 'installer.iso'),
          httpPort: port,
        });
      },
    );
  });
}

/**
 * Builds (or reuses the cached) test guest for a report port and returns its paths. Throws,
 * naming the Debian packages to install, when a tool is missing: guest tests fail, never skip.
 */
export function buildTestGuest(opts: TestGuestOptions = {}): Promise<TestGuest> {
  const port = opts.httpPort ?? 8080;
  if (!Number.isInteger(port) || port < 1 || port > 65535) return Promise.reject(new Error(`buildTestGuest: httpPort must be 1-65535, got ${port}`));
  let p = built.get(port);
  if (!p) {
    p = runBuild(port);
    built.set(port, p);
  }
  return p;
}
