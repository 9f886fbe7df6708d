import { VizorError } from '../errors.js';

/** The database file cannot be opened or is not a SQLite database vizor can trust. */
export class StoreCorruptError extends VizorError {
  readonly code = 'STORE_CORRUPT' as const;
  constructor(readonly file: string, message: string, options?: { cause?: unknown }) {
    super(`${file}: ${message}`, options);
  }
}

/** The database was written by a newer vizor; it is never rewritten by an older one. */
export class StoreTooNewError extends VizorError {
  readonly code = 'STORE_TOO_NEW' as const;
  constructor(readonly file: string, readonly found: number, readonly known: number) {
    super(`${file}: database schema version ${found} is newer than this vizor knows (${known}); upgrade vizor or use another data directory`);
  }
}

/** The database cannot be opened (permissions, missing directory, locked). */
export class StoreOpenError extends VizorError {
  readonly code = 'STORE_OPEN' as const;
  constructor(readonly file: string, message: string, options?: { cause?: unknown }) {
    super(`${file}: ${message}`, options);
  }
}

/** A named record does not exist. */
export class NotFoundError extends VizorError {
  readonly code = 'NOT_FOUND' as const;
  constructor(readonly what: string, readonly itemName: string) {
    super(`no ${what} named "${itemName}"`);
  }
}

/** A record with that name already exists. */
export class AlreadyExistsError extends VizorError {
  readonly code = 'ALREADY_EXISTS' as const;
  constructor(readonly what: string, readonly itemName: string) {
    super(`a ${what} named "${itemName}" already exists`);
  }
}
