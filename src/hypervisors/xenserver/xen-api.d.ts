/**
 * Types for the parts of the `xen-api` npm package (which ships none) that the driver
 * uses; read from its index.mjs and README.
 */
declare module 'xen-api' {
  /** Constructor options of the client. */
  export interface XapiClientOptions {
    url: string;
    auth?: { user: string; password: string };
    allowUnauthorized?: boolean;
    readOnly?: boolean;
    /** Per-call timeout in ms (default one hour). */
    callTimeout?: number;
    transport?: 'auto' | 'json-rpc' | 'xml-rpc';
    /** Types to cache and follow with event.from; false turns events (and callAsync) off. */
    watchEvents?: boolean | string[];
    /** Pause between two event.from calls, ms (default 200). */
    debounce?: number;
    /** Pause after a failed event fetch before trying again, ms (default 60000). */
    eventPollDelay?: number;
  }

  /** A cached XAPI record with its hidden `$ref`/`$type`/`$id`. */
  export interface XapiObject {
    readonly $ref: string;
    readonly $type: string;
    readonly $id: string;
    readonly [field: string]: unknown;
  }

  /** The error every failed call rejects with: XAPI's code and parameters. */
  export interface XapiError extends Error {
    readonly code: string;
    readonly params: readonly string[];
    /** The task record, when an Async call's task failed. */
    readonly task?: unknown;
  }

  /** A connection to one pool. */
  export class Xapi {
    constructor(opts: XapiClientOptions);
    readonly status: 'connected' | 'connecting' | 'disconnected';
    readonly pool: XapiObject | null;
    /** Resolves once the first get_all_records of the watched types is cached. */
    readonly objectsFetched: Promise<void>;
    connect(): Promise<void>;
    disconnect(): Promise<void>;
    call<T = unknown>(method: string, ...args: unknown[]): Promise<T>;
    callAsync<T = unknown>(method: string, ...args: unknown[]): Promise<T>;
    getObjectByRef(ref: string, defaultValue: undefined): XapiObject | undefined;
    /** 'sessionId' fires after each (re-)login. */
    once(event: 'sessionId', listener: () => void): this;
    off(event: 'sessionId', listener: () => void): this;
  }

  /** A new, not yet connected client (event watching starts once it connects). */
  export function createClient(opts: XapiClientOptions): Xapi;
}
