export { SmbServer, type SmbServerOptions } from './server.js';
export { SmbAccounts, newSharePassword, isBuildAccount, BUILD_ACCOUNT_PREFIX, BUILD_ACCOUNT_COMMENT } from './accounts.js';
export { SmbServerError, SmbAccountError } from './errors.js';
