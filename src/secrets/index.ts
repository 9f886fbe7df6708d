import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { VizorError } from '../errors.js';
import type { SealedSecret, SecretRepo } from '../store/index.js';

/** The key file is missing, unreadable, the wrong size or readable by others. */
export class SecretKeyError extends VizorError {
  readonly code = 'SECRET_KEY' as const;
  constructor(readonly file: string, message: string, options?: { cause?: unknown }) {
    super(`secrets key ${file}: ${message}`, options);
  }
}

/** A stored secret cannot be decrypted (wrong key, or tampered with). */
export class SecretDecryptError extends VizorError {
  readonly code = 'SECRET_DECRYPT' as const;
  constructor(readonly secretName: string, options?: { cause?: unknown }) {
    super(`secret "${secretName}" cannot be decrypted with this key (was the key file replaced?)`, options);
  }
}

const KEY_BYTES = 32;

/**
 * Loads the 32-byte key, creating it (mode 0600, directory 0700 if new) when absent.
 * A key readable by group or others is refused, as ssh refuses such private keys.
 */
export function loadOrCreateKey(file: string): Buffer {
  let st;
  try {
    st = statSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new SecretKeyError(file, `cannot stat: ${(err as NodeJS.ErrnoException).code}`, { cause: err });
    try {
      mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, randomBytes(KEY_BYTES));
      closeSync(fd);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new SecretKeyError(file, `cannot create: ${(e as NodeJS.ErrnoException).code}`, { cause: e });
    }
    st = statSync(file);
  }
  if ((st.mode & 0o077) !== 0) throw new SecretKeyError(file, `is readable by group or others (mode ${(st.mode & 0o777).toString(8)}); run: chmod 600 ${file}`);
  const key = readFileSync(file);
  if (key.length !== KEY_BYTES) throw new SecretKeyError(file, `must hold exactly ${KEY_BYTES} bytes, found ${key.length}`);
  return key;
}

/** Encrypts with AES-256-GCM; the secret's name is authenticated so ciphertexts cannot be swapped. */
export function seal(key: Buffer, name: string, plaintext: string): SealedSecret {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(Buffer.from(name, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return { nonce, ciphertext, tag: cipher.getAuthTag() };
}

/** Decrypts a sealed secret, or throws SecretDecryptError. */
export function unseal(key: Buffer, name: string, s: SealedSecret): string {
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, s.nonce);
    decipher.setAAD(Buffer.from(name, 'utf8'));
    decipher.setAuthTag(s.tag);
    return Buffer.concat([decipher.update(s.ciphertext), decipher.final()]).toString('utf8');
  } catch (err) {
    throw new SecretDecryptError(name, { cause: err });
  }
}

/** Secrets kept encrypted in the store under a key file. */
export class SecretStore {
  private key: Buffer | null = null;

  constructor(private readonly repo: SecretRepo, private readonly keyFile: string) {}

  private getKey(): Buffer {
    this.key ??= loadOrCreateKey(this.keyFile);
    return this.key;
  }

  /** Stores (or replaces) a secret. */
  set(name: string, value: string): void {
    this.repo.put(name, seal(this.getKey(), name, value));
  }

  /** A secret's value, or null when none is stored under that name. */
  get(name: string): string | null {
    const sealed = this.repo.get(name);
    return sealed ? unseal(this.getKey(), name, sealed) : null;
  }

  /** Removes a secret. */
  remove(name: string): void {
    this.repo.remove(name);
  }
}
