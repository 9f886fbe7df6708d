import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { VizorError } from '../errors.js';
import type {
  BuildCreateInput, BuildEventView, BuildView, EditionView, EventFeedView, HypervisorCreateInput, HypervisorTestView, HypervisorView, InstanceView,
  IsoDetailView, IsoSummaryView, NodeDetailView, NodeEventView, NodeTaskInput, NodeView, ProfileCreateInput, ProfileView, RefreshView, ScanView,
  SourceDetailView, SourceTestView, SourceView, TemplateView, VmDetailView, VmView,
} from '../api/index.js';
import type { CatalogFilter } from '../store/index.js';
import { UsageError } from './exit.js';

/** The remote vizor answered with an error; `code` is its code, so exit codes match local runs. */
export class RemoteError extends VizorError {
  readonly code: string;
  constructor(code: string, message: string, readonly status: number) {
    super(message);
    this.code = code;
  }
}

/** The remote vizor could not be reached, or did not answer like a vizor API. */
export class RemoteUnavailableError extends VizorError {
  readonly code = 'REMOTE_UNAVAILABLE' as const;
}

/** Where the remote vizor is and how to authenticate to it. */
export interface RemoteOptions {
  /** Base URL of the vizor HTTP service, e.g. http://vizor.lab:8080. */
  readonly url: string;
  /** An API token (`vizor token create` on that host). */
  readonly token: string;
  readonly timeoutMs?: number;
  readonly fetch?: typeof fetch;
}

type Query = Record<string, string | number | boolean | undefined>;
const enc = encodeURIComponent;

/** A client for a remote vizor's REST API: one method per operation the CLI performs. */
export class RemoteClient {
  private readonly base: string;

  constructor(private readonly o: RemoteOptions) {
    if (!/^https?:\/\/[^/]/.test(o.url)) throw new UsageError(`--remote must be an http:// or https:// URL, got "${o.url}"`, 'vizor');
    this.base = o.url.replace(/\/+$/, '');
  }

  private async call<T>(method: string, path: string, o: { query?: Query; body?: unknown } = {}): Promise<T> {
    const q = Object.entries(o.query ?? {}).filter((e): e is [string, string | number | boolean] => e[1] !== undefined);
    const url = `${this.base}${path}${q.length ? `?${new URLSearchParams(q.map(([k, v]) => [k, String(v)]))}` : ''}`;
    let res: Response;
    try {
      res = await (this.o.fetch ?? fetch)(url, {
        method,
        headers: { authorization: `Bearer ${this.o.token}`, accept: 'application/json', ...(o.body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(o.body !== undefined ? { body: JSON.stringify(o.body) } : {}),
        signal: AbortSignal.timeout(this.o.timeoutMs ?? 120_000),
      });
    } catch (err) {
      throw new RemoteUnavailableError(`cannot reach vizor at ${this.base}: ${(err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : (err as Error).message}`, { cause: err });
    }
    if (res.status === 204) return undefined as T;
    const type = res.headers.get('content-type') ?? '';
    if (!type.includes('application/json')) throw new RemoteUnavailableError(`${this.base} did not answer like a vizor API (HTTP ${res.status}, ${type || 'no content type'})`);
    const body = (await res.json()) as { error?: { code?: string; message?: string } };
    if (!res.ok) throw new RemoteError(body.error?.code ?? 'INTERNAL', `${this.base}: ${body.error?.message ?? `HTTP ${res.status}`}`, res.status);
    return body as T;
  }

  listSources = () => this.call<SourceView[]>('GET', '/api/v1/sources');
  addSource = (name: string, url: string, password?: string | null) => this.call<SourceView>('POST', '/api/v1/sources', { body: { name, url, ...(password ? { password } : {}) } });
  showSource = (name: string) => this.call<SourceDetailView>('GET', `/api/v1/sources/${enc(name)}`);
  testSource = (name: string) => this.call<SourceTestView>('POST', `/api/v1/sources/${enc(name)}/test`);
  removeSource = (name: string) => this.call<void>('DELETE', `/api/v1/sources/${enc(name)}`);

  startScan = (sources?: readonly string[], concurrency?: number) => this.call<ScanView>('POST', '/api/v1/catalog/scans', { body: { ...(sources?.length ? { sources } : {}), ...(concurrency ? { concurrency } : {}) } });
  scan = (id: number) => this.call<ScanView>('GET', `/api/v1/catalog/scans/${id}`);
  listScans = (limit?: number) => this.call<ScanView[]>('GET', '/api/v1/catalog/scans', { query: { limit } });
  listIsos = (f: CatalogFilter = {}) => this.call<IsoSummaryView[]>('GET', '/api/v1/catalog/isos', { query: { source: f.source, kind: f.kind, name: f.name, includeMissing: f.includeMissing } });
  showIso = (ref: string) => this.call<IsoDetailView>('GET', `/api/v1/catalog/isos/${enc(ref)}`);
  findEditions = (f: CatalogFilter = {}) =>
    this.call<EditionView[]>('GET', '/api/v1/catalog/editions', { query: { source: f.source, editionId: f.editionId, arch: f.arch, language: f.language, build: f.build, name: f.name, includeMissing: f.includeMissing } });

  /** Polls a scan until it ends, calling `onProgress` with each answer. */
  async waitScan(id: number, onProgress: (s: ScanView) => void = () => undefined, intervalMs = 1000): Promise<ScanView> {
    for (;;) {
      const s = await this.scan(id);
      onProgress(s);
      if (s.status !== 'running') return s;
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  }

  listNodes = () => this.call<NodeView[]>('GET', '/api/v1/nodes');
  addNode = (n: { mac: string; name?: string; task?: NodeTaskInput }) => this.call<NodeView>('POST', '/api/v1/nodes', { body: n });
  showNode = (ref: string) => this.call<NodeDetailView>('GET', `/api/v1/nodes/${enc(ref)}`);
  nodeEvents = (ref: string, after?: number, limit?: number) => this.call<NodeEventView[]>('GET', `/api/v1/nodes/${enc(ref)}/events`, { query: { after, limit } });
  setNodeTask = (ref: string, task: NodeTaskInput) => this.call<NodeView>('PUT', `/api/v1/nodes/${enc(ref)}/task`, { body: { task } });
  removeNode = (ref: string) => this.call<void>('DELETE', `/api/v1/nodes/${enc(ref)}`);

  listHypervisors = () => this.call<HypervisorView[]>('GET', '/api/v1/hypervisors');
  addHypervisor = (h: HypervisorCreateInput) => this.call<HypervisorView>('POST', '/api/v1/hypervisors', { body: h });
  showHypervisor = (name: string) => this.call<HypervisorView>('GET', `/api/v1/hypervisors/${enc(name)}`);
  testHypervisor = (name: string) => this.call<HypervisorTestView>('POST', `/api/v1/hypervisors/${enc(name)}/test`);
  removeHypervisor = (name: string) => this.call<void>('DELETE', `/api/v1/hypervisors/${enc(name)}`);
  listVms = (hv: string, owner?: string) => this.call<VmView[]>('GET', `/api/v1/hypervisors/${enc(hv)}/vms`, { query: { owner } });
  showVm = (hv: string, id: string) => this.call<VmDetailView>('GET', `/api/v1/hypervisors/${enc(hv)}/vms/${enc(id)}`);
  vmPower = (hv: string, id: string, verb: 'start' | 'stop', waitSeconds?: number) =>
    this.call<{ id: string; done: string }>('POST', `/api/v1/hypervisors/${enc(hv)}/vms/${enc(id)}/${verb}`, { body: waitSeconds ? { waitSeconds } : {} });
  destroyVm = (hv: string, id: string) => this.call<void>('DELETE', `/api/v1/hypervisors/${enc(hv)}/vms/${enc(id)}`);

  listProfiles = () => this.call<ProfileView[]>('GET', '/api/v1/profiles');
  addProfile = (p: ProfileCreateInput) => this.call<ProfileView>('POST', '/api/v1/profiles', { body: p });
  showProfile = (name: string) => this.call<ProfileView>('GET', `/api/v1/profiles/${enc(name)}`);
  removeProfile = (name: string) => this.call<void>('DELETE', `/api/v1/profiles/${enc(name)}`);

  listBuilds = (state?: BuildView['state']) => this.call<BuildView[]>('GET', '/api/v1/builds', { query: { state } });
  showBuild = (id: string) => this.call<BuildView>('GET', `/api/v1/builds/${enc(id)}`);
  startBuild = (b: BuildCreateInput) => this.call<BuildView>('POST', '/api/v1/builds', { body: b });
  buildLogs = (id: string, after?: number) => this.call<BuildEventView[]>('GET', `/api/v1/builds/${enc(id)}/logs`, { query: { after } });
  cancelBuild = (id: string) => this.call<BuildView>('POST', `/api/v1/builds/${enc(id)}/cancel`);
  retryBuild = (id: string) => this.call<BuildView>('POST', `/api/v1/builds/${enc(id)}/retry`);

  /** Polls a build until it ends, calling `onEvent` for each new log line. */
  async waitBuild(id: string, onEvent: (e: BuildEventView) => void = () => undefined, intervalMs = 1000): Promise<BuildView> {
    let after = 0;
    for (;;) {
      for (const e of await this.buildLogs(id, after)) {
        after = e.id;
        onEvent(e);
      }
      const b = await this.showBuild(id);
      if (b.state === 'done' || b.state === 'failed' || b.state === 'cancelled') return b;
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  }

  listTemplates = (all = false) => this.call<TemplateView[]>('GET', '/api/v1/templates', { query: { all: all || undefined } });
  showTemplate = (ref: string) => this.call<TemplateView>('GET', `/api/v1/templates/${enc(ref)}`);
  publishTemplate = (ref: string, published: boolean) => this.call<TemplateView>('POST', `/api/v1/templates/${enc(ref)}/${published ? 'publish' : 'unpublish'}`);
  deleteTemplate = (ref: string) => this.call<void>('DELETE', `/api/v1/templates/${enc(ref)}`);
  listInstances = (f: { owner?: string; role?: 'build' | 'room' } = {}) => this.call<InstanceView[]>('GET', '/api/v1/instances', { query: f });
  showInstance = (id: number) => this.call<InstanceView>('GET', `/api/v1/instances/${id}`);
  refreshInventory = () => this.call<RefreshView>('POST', '/api/v1/inventory/refresh');
  events = (after?: string, limit?: number) => this.call<EventFeedView>('GET', '/api/v1/events', { query: { after, limit } });
}

/**
 * The remote vizor this command talks to, or null to use the local store: the global
 * `--remote <url>` or $VIZOR_REMOTE, with the token from $VIZOR_TOKEN or the file named
 * by $VIZOR_TOKEN_FILE (never a flag: command lines show in `ps`).
 */
export function remoteFor(cmd: Command, env: NodeJS.ProcessEnv = process.env): RemoteClient | null {
  const url = (cmd.optsWithGlobals() as { remote?: string }).remote ?? env.VIZOR_REMOTE;
  if (!url) return null;
  let token = env.VIZOR_TOKEN?.trim();
  if (!token && env.VIZOR_TOKEN_FILE) {
    try {
      token = readFileSync(env.VIZOR_TOKEN_FILE, 'utf8').trim();
    } catch (err) {
      throw new UsageError(`cannot read VIZOR_TOKEN_FILE ${env.VIZOR_TOKEN_FILE}: ${(err as NodeJS.ErrnoException).code ?? err}`, cmd.name());
    }
  }
  if (!token) throw new UsageError(`talking to ${url} needs an API token: set VIZOR_TOKEN or VIZOR_TOKEN_FILE (vizor token create on that host)`, cmd.name());
  return new RemoteClient({ url, token });
}
