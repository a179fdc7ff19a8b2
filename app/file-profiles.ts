// Browser mode's profile store: profiles and their secrets in <dir>/profiles.json, mode 0600,
// written atomically. There is no OS keyring behind a browser, so secrets here are only as safe
// as the file; the UI says so and asks before storing one.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { sweepAtomicTemps, writeFileAtomicSync } from '../server/fs/atomic-file.js';
import { z } from 'zod';
import { AppError, Profile, ProfileInput, type SecretProtection } from './contract.js';
import type { ProfileStore } from './host-deps.js';
import { secretStaysWith } from './secret-origin.js';

const Stored = Profile.omit({ hasSecret: true, builtin: true }).extend({ secret: z.string().optional() });
type Stored = z.infer<typeof Stored>;

export class FileProfileStore implements ProfileStore {
  private readonly file: string;

  constructor(dir: string) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.file = path.join(dir, 'profiles.json');
    sweepAtomicTemps(this.file);
  }

  async protection(): Promise<SecretProtection> {
    return {
      protected: false,
      backend: 'data-dir-file',
      reason: `browser mode keeps secrets in ${this.file} (mode 0600): anyone with your user account or root can read them`,
    };
  }

  list(): Profile[] {
    return this.all().map(({ secret, ...p }) => ({ ...p, hasSecret: secret !== undefined }));
  }

  async save(raw: ProfileInput): Promise<Profile> {
    const input = ProfileInput.parse(raw);
    const { secret, allowUnprotected, ...fields } = input;
    const all = this.all();
    const existing = all.find((p) => p.id === fields.id);
    const next: Stored = { ...fields };
    if (secret === undefined) {
      // Kept only for the same origin: a secret never follows its connection to another server.
      if (existing?.secret !== undefined && secretStaysWith(existing.url, next.url)) next.secret = existing.secret;
    } else if (secret !== '') {
      if (allowUnprotected !== true) throw new AppError('unprotected', `the secret would not be protected: ${(await this.protection()).reason}`);
      next.secret = secret;
    }
    this.write([...all.filter((p) => p.id !== next.id), next]);
    const { secret: s, ...pub } = next;
    return { ...pub, hasSecret: s !== undefined };
  }

  remove(id: string): void {
    const all = this.all();
    if (!all.some((p) => p.id === id)) throw new AppError('not-found', `no connection "${id}"`);
    this.write(all.filter((p) => p.id !== id));
  }

  async secret(id: string): Promise<string | undefined> {
    const p = this.all().find((x) => x.id === id);
    if (p === undefined) throw new AppError('not-found', `no connection "${id}"`);
    return p.secret;
  }

  private all(): Stored[] {
    if (!existsSync(this.file)) return [];
    const r = z.array(Stored).safeParse(JSON.parse(readFileSync(this.file, 'utf8')));
    if (!r.success) throw new AppError('internal', `${this.file} is not a valid profiles file: fix or remove it`);
    return r.data;
  }

  private write(all: Stored[]): void {
    writeFileAtomicSync(this.file, JSON.stringify(all, null, 2) + '\n', { mode: 0o600 });
  }
}
