import { VizorError } from '../errors.js';

/** One problem found in the configuration, with where it came from. */
export interface ConfigProblem {
  /** Dotted key path, e.g. `http.port`. */
  readonly path: string;
  readonly message: string;
  /** File, `env VIZOR_X` or `flag --x`. */
  readonly origin: string;
}

/** The configuration is invalid; lists every problem at once. */
export class ConfigError extends VizorError {
  readonly code = 'CONFIG_INVALID' as const;
  constructor(readonly problems: readonly ConfigProblem[], options?: { cause?: unknown }) {
    super(
      `invalid configuration: ${problems.map((p) => `${p.path || '(root)'}: ${p.message} (${p.origin})`).join('; ')}`,
      options,
    );
  }
}

/** A configuration file exists but cannot be read or parsed as YAML. */
export class ConfigFileError extends VizorError {
  readonly code = 'CONFIG_FILE' as const;
  constructor(readonly file: string, message: string, options?: { cause?: unknown }) {
    super(`${file}: ${message}`, options);
  }
}
