// The tray's token (server/meta.ts trayWriteToken): write-only on bucket "default", stored
// hashed under its own description, given back while it exists, replaced when it does not.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { canWrite, authenticate, v2Credentials } from '../../server/http/auth.js';
import { createBucket, deleteBucket, deleteToken, MetaNotFoundError, MetaStore, setup, TRAY_TOKEN_DESCRIPTION, trayWriteToken } from '../../server/meta.js';
import type { IncomingMessage } from 'node:http';

function freshMeta(bucket = 'default') {
  const dir = mkdtempSync(path.join(tmpdir(), 'lpstudio-tray-'));
  const meta = MetaStore.open(dir);
  setup(meta, { username: 'admin', org: 'lpstudio', bucket, token: 'operator-token-0123456789' });
  return { dir, meta };
}

const asToken = (token: string) => v2Credentials({ headers: { authorization: `Token ${token}` } } as IncomingMessage);

describe('the tray token', () => {
  it('writes to bucket default only, and is stored as a hash under its description', async () => {
    const { dir, meta } = freshMeta();
    const other = createBucket(meta, meta.get().orgs[0].id, 'other', 0);
    const defaultId = meta.get().buckets.find((b) => b.name === 'default')!.id;
    const { token, minted } = trayWriteToken(meta);
    expect(minted).toBe(true);
    const who = await authenticate(meta.get(), asToken(token));
    expect([canWrite(who, defaultId), canWrite(who, other.id)]).toEqual([true, false]);
    expect(who.read).toEqual([]);
    expect(meta.get().tokens.filter((t) => t.description === TRAY_TOKEN_DESCRIPTION)).toHaveLength(1);
    expect(readFileSync(path.join(dir, 'meta.json'), 'utf8')).not.toContain(token);
  });

  it('is minted once and reused; a deleted or unknown one is replaced, never two at once', async () => {
    const { meta } = freshMeta();
    const first = trayWriteToken(meta).token;
    expect(trayWriteToken(meta, first)).toEqual({ token: first, minted: false });
    const record = meta.get().tokens.find((t) => t.description === TRAY_TOKEN_DESCRIPTION)!;
    deleteToken(meta, record.id);
    const second = trayWriteToken(meta, first);
    expect(second.minted).toBe(true);
    expect(second.token).not.toBe(first);
    // The app restarted (it holds none): a new one replaces the earlier record.
    const third = trayWriteToken(meta);
    expect(third.token).not.toBe(second.token);
    expect(meta.get().tokens.filter((t) => t.description === TRAY_TOKEN_DESCRIPTION)).toHaveLength(1);
    await expect(authenticate(meta.get(), asToken(second.token))).rejects.toThrow();
  });

  it('says so when there is no bucket default to write to', () => {
    const { meta } = freshMeta('elsewhere');
    expect(() => trayWriteToken(meta)).toThrow(MetaNotFoundError);
    expect(() => trayWriteToken(meta)).toThrow('there is no bucket "default" to write to: create it, then copy the token again');
    const d = createBucket(meta, meta.get().orgs[0].id, 'default', 0);
    expect(trayWriteToken(meta).minted).toBe(true);
    deleteBucket(meta, d.id);
    expect(() => trayWriteToken(meta)).toThrow(MetaNotFoundError);
  });
});
