// The credential vault: connection profiles whose secrets (token or password) are encrypted
// with Electron's async safeStorage and kept only as ciphertext. The renderer only ever learns
// whether a secret is set. No `electron` import here: safeStorage and the settings store are
// injected, so this runs and is tested under plain Node.
import { AppError, ProfileInput, type Profile, type SecretProtection } from '../app/contract.js';
import type { ProfileStore } from '../app/host-deps.js';
import { secretStaysWith } from '../app/secret-origin.js';

/** The part of Electron's safeStorage the vault uses. */
export interface SafeStorageLike {
  isAsyncEncryptionAvailable(): Promise<boolean>;
  encryptStringAsync(plainText: string): Promise<Buffer>;
  decryptStringAsync(encrypted: Buffer): Promise<{ result: string; shouldReEncrypt: boolean }>;
  getSelectedStorageBackend?(): string;
}

/** Where profiles are persisted (electron-store in the app; any key-value store in tests). */
export interface KeyValueStore {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
}

/** A profile as stored: the contract's profile fields plus the secret's ciphertext. */
export interface StoredProfile extends Omit<ProfileInput, 'secret' | 'allowUnprotected'> {
  /** base64 ciphertext of the secret. */
  secretCipher?: string;
}

export type PublicProfile = Profile;

export type Protection = SecretProtection;

export class VaultError extends AppError {
  constructor(message: string, code: 'unprotected' | 'unavailable' | 'not-found' | 'invalid') {
    super(code, message);
  }
}

const KEY = 'profiles';

export class CredentialVault implements ProfileStore {
  constructor(
    private readonly safe: SafeStorageLike,
    private readonly store: KeyValueStore,
  ) {}

  /** Whether secrets stored now would be protected by the OS keyring. */
  async protection(): Promise<Protection> {
    const backend = this.safe.getSelectedStorageBackend?.() ?? 'os';
    if (!(await this.safe.isAsyncEncryptionAvailable())) {
      return { protected: false, backend, reason: 'encryption is not available on this system' };
    }
    if (backend === 'basic_text') {
      return { protected: false, backend, reason: 'no keyring (GNOME Keyring or KWallet) was found, so secrets would be stored with a fixed key anyone can read' };
    }
    return { protected: true, backend };
  }

  list(): PublicProfile[] {
    return this.all().map(toPublic);
  }

  async save(raw: unknown): Promise<PublicProfile> {
    const parsed = ProfileInput.safeParse(raw);
    if (!parsed.success) throw new VaultError(`invalid profile: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`, 'invalid');
    const { secret, allowUnprotected, ...fields } = parsed.data;
    const profiles = this.all();
    const existing = profiles.find((p) => p.id === fields.id);
    const next: StoredProfile = { ...fields };
    if (secret === undefined) {
      // Kept only for the same origin: a secret never follows its connection to another server.
      if (existing?.secretCipher !== undefined && secretStaysWith(existing.url, next.url)) next.secretCipher = existing.secretCipher;
    } else if (secret !== '') {
      const p = await this.protection();
      if (!p.protected && p.reason?.startsWith('encryption is not available') === true) throw new VaultError(`cannot store the secret: ${p.reason}`, 'unavailable');
      if (!p.protected && allowUnprotected !== true) throw new VaultError(`the secret would not be protected: ${p.reason}`, 'unprotected');
      next.secretCipher = (await this.safe.encryptStringAsync(secret)).toString('base64');
    }
    this.store.set(KEY, [...profiles.filter((p) => p.id !== next.id), next]);
    return toPublic(next);
  }

  remove(id: string): void {
    const profiles = this.all();
    if (!profiles.some((p) => p.id === id)) throw new VaultError(`no profile "${id}"`, 'not-found');
    this.store.set(KEY, profiles.filter((p) => p.id !== id));
  }

  /** The secret in clear, for the main process only (to make a request). Never sent to the renderer. */
  async secret(id: string): Promise<string | undefined> {
    const p = this.all().find((x) => x.id === id);
    if (p === undefined) throw new VaultError(`no profile "${id}"`, 'not-found');
    if (p.secretCipher === undefined) return undefined;
    const { result, shouldReEncrypt } = await this.safe.decryptStringAsync(Buffer.from(p.secretCipher, 'base64'));
    if (shouldReEncrypt) {
      const again = (await this.safe.encryptStringAsync(result)).toString('base64');
      this.store.set(KEY, this.all().map((x) => (x.id === id ? { ...x, secretCipher: again } : x)));
    }
    return result;
  }

  private all(): StoredProfile[] {
    const raw = this.store.get(KEY);
    return Array.isArray(raw) ? (raw as StoredProfile[]) : [];
  }
}

function toPublic(p: StoredProfile): PublicProfile {
  const { secretCipher, ...rest } = p;
  return { ...rest, hasSecret: secretCipher !== undefined };
}
