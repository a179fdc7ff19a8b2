// `npm start` decides between the desktop app and the browser mode; here (no Electron binary)
// it must say so in one sentence, run `lpstudio serve` with its sign-in link, and stop it cleanly
// on Ctrl+C.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/shared.js';

const SENTENCE =
  'The Electron binary is not installed (it is downloaded on first install and this machine is offline), so Line Protocol Studio starts in browser mode instead.';

/** Whether electron's own path.txt names a binary that exists under its dist/ (as require('electron') would use). */
function electronInstalled(): boolean {
  const pkg = path.join(repoRoot, 'node_modules/electron');
  const pathFile = path.join(pkg, 'path.txt');
  return existsSync(pathFile) && existsSync(path.join(pkg, 'dist', readFileSync(pathFile, 'utf8').trim()));
}

describe('npm start', () => {
  it('chooses the browser mode where the Electron binary is missing, and says why', () => {
    const out = execFileSync(process.execPath, [path.join(repoRoot, 'scripts/start.js'), '--check'], { encoding: 'utf8' }).trim();
    if (!electronInstalled()) expect(out).toBe(`browser: ${SENTENCE}`);
    else expect(out).toMatch(/^(desktop|browser: .+ starts in browser mode instead\.)$/);
  });

  it('runs lpstudio serve in the foreground with its sign-in link, and Ctrl+C stops it cleanly', async () => {
    if (electronInstalled()) throw new Error('this test expects the machine without the Electron binary');
    const data = mkdtempSync(path.join(tmpdir(), 'lpstudio-start-'));
    // Its own process group, like a terminal's foreground job, so Ctrl+C can be sent to the group.
    const p = spawn(process.execPath, [path.join(repoRoot, 'scripts/start.js'), '--no-build', '--port', '0', '--data', data], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((r) => p.on('exit', (code) => r(code)));
    try {
      await expect.poll(() => out, { timeout: 15_000 }).toMatch(/browser mode: http:\/\/127\.0\.0\.1:\d+\/#code=\S+/);
      expect(out.split('\n')[0]).toBe(SENTENCE);
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)![1];
      expect((await fetch(`${url}/ping`)).status).toBe(204);

      // Ctrl+C: the terminal signals the whole group, and `npm start` passes one more on to the script.
      process.kill(-p.pid!, 'SIGINT');
      await new Promise((r) => setTimeout(r, 5));
      process.kill(p.pid!, 'SIGINT');
      expect(await exited).toBe(0);
      expect(out).toContain('stopping…');
      await expect(fetch(`${url}/ping`)).rejects.toThrow();
    } finally {
      try {
        process.kill(-p.pid!, 'SIGKILL');
      } catch {}
    }
  }, 30_000);
});
