// meta.json has one writer at a time: management commands and a running `lpstudio serve` take
// meta.json.lock around every change and re-read the file under it, so changes made at the same
// moment by many processes are all kept, and the endpoint uses them without a restart.
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanup, readMeta, runCli, startServer } from '../support/serve.js';

afterAll(cleanup);

const USERS = 20;
const AUTO_BUCKETS = 10;
const TOKENS = 5;

describe('concurrent changes to meta.json', () => {
  it('20 concurrent "v1 auth create" commands, bucket auto-creation and token creation by the endpoint all take effect', async () => {
    const app = await startServer({ args: ['--auto-create-buckets'] });
    const signIn = await fetch(`${app.url}/app-api/sign-in`, { method: 'POST', headers: { Origin: app.url, 'Content-Type': 'application/json' }, body: JSON.stringify({ token: app.token }) });
    const cookie = signIn.headers.get('set-cookie')!.split(';')[0];
    const write = (query: string, body: string, auth?: string) =>
      fetch(`${app.url}/write?${query}`, { method: 'POST', headers: auth === undefined ? {} : { Authorization: auth }, body }).then(async (r) => ({ status: r.status, text: await r.text() }));

    const cli = Array.from({ length: USERS }, (_, i) =>
      runCli(['v1', 'auth', 'create', '--username', `user${i}`, '--password', `secret-${i}`, '--write-bucket', 'default', '--data', app.dataDir], 90_000),
    );
    // Meanwhile the endpoint itself adds buckets (writes to unknown databases create them) and
    // API tokens (the app API, as the UI makes them).
    const auto = Array.from({ length: AUTO_BUCKETS }, (_, i) => write(`db=auto${i}&precision=s`, `m v=${i} 1700000000`, `Token ${app.token}`));
    const tokens = Array.from({ length: TOKENS }, (_, i) =>
      fetch(`${app.url}/app-api/createToken`, { method: 'POST', headers: { Origin: app.url, 'Content-Type': 'application/json', Cookie: cookie }, body: JSON.stringify({ description: `ci ${i}`, write: 'all' }) }).then(async (r) => ({ status: r.status, body: await r.json() })),
    );
    const [results, autoResults, tokenResults] = await Promise.all([Promise.all(cli), Promise.all(auto), Promise.all(tokens)]);

    for (const r of results) expect(r, r.stderr).toMatchObject({ code: 0 });
    for (const r of autoResults) expect(r).toEqual({ status: 204, text: '' });
    for (const r of tokenResults) expect(r.status, JSON.stringify(r.body)).toBe(200);

    const meta = await readMeta(app.dataDir);
    expect(meta.v1auths.map((a) => a.username).sort()).toEqual(Array.from({ length: USERS }, (_, i) => `user${i}`).sort());
    expect(meta.buckets.map((b) => b.name).filter((n) => n.startsWith('auto')).sort()).toEqual(Array.from({ length: AUTO_BUCKETS }, (_, i) => `auto${i}`).sort());
    expect(meta.tokens.map((t) => t.description).filter((d) => d.startsWith('ci ')).sort()).toEqual(Array.from({ length: TOKENS }, (_, i) => `ci ${i}`).sort());
    // No lock file or temporary file left behind.
    expect(readdirSync(app.dataDir).filter((n) => n.startsWith('meta.json'))).toEqual(['meta.json']);

    // Every user signs in on the running endpoint, without a restart.
    for (let i = 0; i < USERS; i++) {
      expect(await write(`db=default&u=user${i}&p=secret-${i}`, `login user=${i}i`)).toEqual({ status: 204, text: '' });
    }
    expect((await write('db=default&u=user0&p=wrong', 'login user=0i')).status).toBe(401);
    expect(await app.stop()).toBe(0);
  }, 180_000);

  it('a command waits while a live process holds the lock, and breaks a lock whose process died', async () => {
    const app = await startServer();
    const lock = path.join(app.dataDir, 'meta.json.lock');
    // (A request first: serve installs its SIGTERM handler just after printing the listening line.)
    expect((await fetch(`${app.url}/ping`)).status).toBe(204);
    expect(await app.stop()).toBe(0);
    const names = async () => (await readMeta(app.dataDir)).buckets.map((b) => b.name);

    // Held by a live process (this one): the command waits for it.
    writeFileSync(lock, JSON.stringify({ pid: process.pid, at: new Date().toISOString(), nonce: 'feedfacefeedface' }));
    const waiting = runCli(['bucket', 'create', '--name', 'after-wait', '--data', app.dataDir], 60_000);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await names()).not.toContain('after-wait');
    rmSync(lock);
    const waited = await waiting;
    expect(waited, waited.stderr).toMatchObject({ code: 0 });
    expect(await names()).toContain('after-wait');

    // Held by a process that is gone (a pid beyond the kernel's pid range): broken at once.
    writeFileSync(lock, JSON.stringify({ pid: 2 ** 22 + 12345, at: new Date().toISOString(), nonce: 'deadbeefdeadbeef' }));
    const ok = await runCli(['bucket', 'create', '--name', 'after-crash', '--data', app.dataDir], 60_000);
    expect(ok, ok.stderr).toMatchObject({ code: 0 });
    expect(await names()).toContain('after-crash');
    expect(readdirSync(app.dataDir).filter((n) => n.startsWith('meta.json'))).toEqual(['meta.json']);
  }, 120_000);
});
