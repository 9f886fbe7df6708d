import type { Request, Response, Router } from 'express';
import type { Logger } from '../../log/index.js';
import type { Store } from '../../store/index.js';
import type { PeerDirectory } from '../peers.js';
import { renderAutounattend, renderInstallCmd, renderWinpeshl, type WindowsFirmware } from '../../templates/windows/index.js';
import { authoriseTask } from './answers.js';
import { firstLogonCommand } from '../../builds/sequence/engine.js';
import { asWindowsInstall, defaultComputerName, INJECTED_FILES, windowsInstallValues, windowsShareNames, type InjectedFile, type WindowsInstallTask } from './windows.js';
import type { NodeRow } from '../../store/index.js';
import { hostWithoutPort, peerOf, validHost } from './request.js';

/** What the Windows answer routes need. */
export interface WindowsRoutesOptions {
  readonly store: Store;
  readonly peers: PeerDirectory;
  readonly log: Logger;
  /** Reads a secret (Administrator password, share account password); null when absent. */
  readonly secret?: (name: string) => string | null;
}


/** Thrown inside rendering when a needed secret is not there yet. */
class NotReady extends Error {}

function render(file: InjectedFile, node: NodeRow, task: WindowsInstallTask, fw: WindowsFirmware, host: string, secret: (n: string) => string | null): string {
  const smbHost = hostWithoutPort(host);
  if (file === 'winpeshl.ini') return renderWinpeshl();
  if (file === 'install.cmd') {
    const names = windowsShareNames(task);
    const password = secret(names.passwordSecret);
    if (!password) throw new NotReady(`the share account ${names.account} is not ready yet`);
    return renderInstallCmd({
      nodeId: node.mac.replace(/:/g, '-'), firmware: fw,
      mediaShare: `\\\\${smbHost}\\${names.mediaShare}`, statusShare: `\\\\${smbHost}\\${names.statusShare}`,
      shareUser: names.account, sharePassword: password,
    });
  }
  const admin = secret(task.adminPasswordSecret);
  if (!admin) throw new NotReady(`secret ${task.adminPasswordSecret} (Administrator password) is not set`);
  // A sequence starts from the installed system's first logon, calling back to this vizor.
  const firstLogon = task.sequence ? [firstLogonCommand(`http://${host}`, task.token)] : [];
  return renderAutounattend(windowsInstallValues(task, fw, defaultComputerName(node.name, node.mac), admin, firstLogon));
}

/**
 * Adds `/answers/<token>/win/<bios|uefi>/<winpeshl.ini|install.cmd|autounattend.xml>`: the
 * files wimboot injects into a windows-install node's WinPE. Served only for the node's
 * own token and MAC (same 404 otherwise), never logged, never cached.
 */
export function windowsAnswerRoutes(router: Router, o: WindowsRoutesOptions): void {
  router.get('/answers/:token/win/:fw/:file', (req: Request, res: Response) => {
    const token = String(req.params.token);
    const fw = String(req.params.fw);
    const file = String(req.params.file) as InjectedFile;
    const peer = peerOf(req);
    const notFound = () => res.status(404).type('text/plain').send('not found\n');
    const hit = authoriseTask(o.store.nodes.withTaskToken(token), token, o.peers.macOf(peer), asWindowsInstall);
    if ('refused' in hit) {
      o.log.info({ peer, token: `${token.slice(0, 4)}…`, reason: hit.refused }, 'answer request refused');
      return notFound();
    }
    const host = validHost(req.headers.host);
    if ((fw !== 'bios' && fw !== 'uefi') || !INJECTED_FILES.includes(file) || !host || !o.secret) return notFound();
    let body: string;
    try {
      body = render(file, hit.node, hit.task, fw, host, o.secret);
    } catch (err) {
      const notReady = err instanceof NotReady;
      // Names the file and the problem, never the rendered content or a secret.
      o.log[notReady ? 'warn' : 'error']({ mac: hit.node.mac, file, err: (err as Error).message }, 'cannot render Windows answer file');
      o.store.nodes.record(hit.node.mac, 'answer-error', { file, error: (err as Error).message });
      res.status(notReady ? 503 : 500).type('text/plain').send(`vizor: cannot serve ${file} for this node yet; see the vizor log\n`);
      return;
    }
    o.store.nodes.record(hit.node.mac, 'answer-fetch', { file, firmware: fw, peer, isoId: hit.task.isoId });
    res.setHeader('Cache-Control', 'no-store');
    res.type(file.endsWith('.xml') ? 'application/xml' : 'text/plain').send(body);
  });
}
