export { parseSourceUrl, type ParsedSourceUrl, type SourceLocation } from './url.js';
export { SourceUrlError, SourceUnavailableError } from './errors.js';
export { FileAccess, kernelHasNfs, openAccess, type FoundIso, type SourceAccess } from './access.js';
export { chooseSmbClient, probeCifs, type CifsSupport, type SmbClientMode } from './cifs-access.js';
export { fingerprint, recordFromReport } from './record.js';
export { scanSources, type ScanEvent, type ScanOptions, type ScanSummary, type IsoOutcome } from './scan.js';
export { SourceService, sourceSecretName, type SourceTestResult } from './sources.js';
