// The credential vault with Electron's safeStorage injected: ciphertext at rest, secrets never
// in what the renderer sees, and the basic_text (no keyring) case asks before storing.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CredentialVault, VaultError, type KeyValueStore, type SafeStorageLike } from '../../electron/vault.js';

/** safeStorage's contract, implemented with real AES-GCM so what is stored is real ciphertext. */
function safeStorage(backend: string, available = true): SafeStorageLike & { rotate(): void } {
  let key = randomBytes(32);
  let rotated = false;
  return {
    isAsyncEncryptionAvailable: async () => available,
    getSelectedStorageBackend: () => backend,
    encryptStringAsync: async (plain) => {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return Buffer.concat([iv, c.getAuthTag(), body]);
    },
    decryptStringAsync: async (buf) => {
      const d = createDecipheriv('aes-256-gcm', key, buf.subarray(0, 12));
      d.setAuthTag(buf.subarray(12, 28));
      const result = Buffer.concat([d.update(buf.subarray(28)), d.final()]).toString('utf8');
      return { result, shouldReEncrypt: rotated };
    },
    rotate() {
      rotated = true;
      void key;
    },
  };
}

function memoryStore(): KeyValueStore & { dump(): string } {
  const m = new Map<string, unknown>();
  return { get: (k) => structuredClone(m.get(k)), set: (k, v) => void m.set(k, structuredClone(v)), dump: () => JSON.stringify([...m]) };
}

const profile = {
  id: 'prod',
  name: 'Production 2.x',
  url: 'https://influx.example.com:8086',
  kind: 'influxdb2',
  org: 'acme',
  bucket: 'telegraf',
  auth: 'token',
  secret: 'super-secret-token-value',
};

describe('credential vault', () => {
  it('stores only ciphertext and tells the renderer only whether a secret is set', async () => {
    const store = memoryStore();
    const vault = new CredentialVault(safeStorage('gnome_libsecret'), store);
    const shown = await vault.save(profile);
    expect(shown).toMatchObject({ id: 'prod', hasSecret: true });
    expect(JSON.stringify(shown)).not.toContain('super-secret');
    expect(JSON.stringify(vault.list())).not.toContain('secretCipher');
    expect(store.dump()).not.toContain('super-secret-token-value');
    expect(await vault.secret('prod')).toBe('super-secret-token-value');
  });

  it('keeps the secret when a profile is saved without one, and removes it with an empty one', async () => {
    const vault = new CredentialVault(safeStorage('kwallet5'), memoryStore());
    await vault.save(profile);
    await vault.save({ ...profile, secret: undefined, name: 'Renamed' });
    expect(await vault.secret('prod')).toBe('super-secret-token-value');
    await vault.save({ ...profile, secret: '' });
    expect(vault.list()[0].hasSecret).toBe(false);
    expect(await vault.secret('prod')).toBeUndefined();
  });

  it('asks before storing a secret with the basic_text backend', async () => {
    const vault = new CredentialVault(safeStorage('basic_text'), memoryStore());
    expect(await vault.protection()).toMatchObject({ protected: false, backend: 'basic_text' });
    const e = await vault.save(profile).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(VaultError);
    expect((e as VaultError).code).toBe('unprotected');
    expect((e as VaultError).message).toMatch(/would not be protected: no keyring/);
    expect(vault.list()).toEqual([]);
    await vault.save({ ...profile, allowUnprotected: true });
    expect(await vault.secret('prod')).toBe('super-secret-token-value');
  });

  it('refuses to store secrets when encryption is unavailable, and rejects malformed profiles', async () => {
    const vault = new CredentialVault(safeStorage('unknown', false), memoryStore());
    await expect(vault.save({ ...profile, allowUnprotected: true })).rejects.toMatchObject({ code: 'unavailable' });
    await expect(vault.save({ ...profile, url: 'javascript:alert(1)' })).rejects.toMatchObject({ code: 'invalid' });
    await expect(vault.save({ ...profile, id: '../../etc' })).rejects.toMatchObject({ code: 'invalid' });
    await expect(vault.save({ ...profile, kind: 'mysql' })).rejects.toMatchObject({ code: 'invalid' });
  });

  it('re-encrypts when safeStorage says the key was rotated', async () => {
    const safe = safeStorage('gnome_libsecret');
    const store = memoryStore();
    const vault = new CredentialVault(safe, store);
    await vault.save(profile);
    const before = store.dump();
    safe.rotate();
    expect(await vault.secret('prod')).toBe('super-secret-token-value');
    expect(store.dump()).not.toBe(before);
  });
});
