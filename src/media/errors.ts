import { VizorError } from '../errors.js';

/** Which on-disk format a media error concerns. */
export type MediaFormat = 'source' | 'iso9660' | 'eltorito' | 'udf' | 'wim' | 'image';

/** A structure on the media is malformed: bad magic, checksum, CRC, length or pointer. */
export class MediaCorruptError extends VizorError {
  readonly code = 'MEDIA_CORRUPT' as const;
  constructor(readonly format: MediaFormat, message: string, options?: { cause?: unknown }) {
    super(`${format}: ${message}`, options);
  }
}

/** The media is well-formed but uses a feature vizor does not read (e.g. compressed WIM XML). */
export class MediaUnsupportedError extends VizorError {
  readonly code = 'MEDIA_UNSUPPORTED' as const;
  constructor(readonly format: MediaFormat, message: string, options?: { cause?: unknown }) {
    super(`${format}: ${message}`, options);
  }
}

/** A safety bound was hit: too many entries or descriptors, a loop, an absurd size. */
export class MediaLimitError extends VizorError {
  readonly code = 'MEDIA_LIMIT' as const;
  constructor(readonly format: MediaFormat, message: string) {
    super(`${format}: ${message}`);
  }
}

/** A path inside an image does not exist (or names a directory where a file is needed). */
export class MediaNotFoundError extends VizorError {
  readonly code = 'MEDIA_NOT_FOUND' as const;
  constructor(readonly path: string, message = `no such file in image: ${path}`) {
    super(message);
  }
}

/** Reading the underlying source failed or ran past its end. */
export class MediaIoError extends VizorError {
  readonly code = 'MEDIA_IO' as const;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** No file system vizor knows (ISO 9660 or UDF) was found on the source. */
export class MediaNoFileSystemError extends VizorError {
  readonly code = 'MEDIA_NO_FILESYSTEM' as const;
  constructor(message: string) {
    super(message);
  }
}

/** Every media error, for narrowing in callers. */
export type MediaError =
  | MediaCorruptError
  | MediaUnsupportedError
  | MediaLimitError
  | MediaNotFoundError
  | MediaIoError
  | MediaNoFileSystemError;
