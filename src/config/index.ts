export { loadConfig, configSearchPath, type LoadedConfig, type LoadConfigOptions } from './load.js';
export { configSchema, envOverrides, type VizorConfig } from './schema.js';
export { ConfigError, ConfigFileError, type ConfigProblem } from './errors.js';
