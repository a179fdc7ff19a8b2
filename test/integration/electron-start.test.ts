// `npm start` decides between the desktop app and the browser mode; here (no Electron binary)
// it must say so in one sentence and choose the browser mode.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/shared.js';

describe('npm start', () => {
  it('chooses the browser mode where the Electron binary is missing, and says why', () => {
    // Installed or not: electron's own path.txt names the binary under its dist/.
    const pkg = path.join(repoRoot, 'node_modules/electron');
    const binary = existsSync(path.join(pkg, 'path.txt')) ? path.join(pkg, 'dist') : undefined;
    const out = execFileSync(process.execPath, [path.join(repoRoot, 'scripts/start.js'), '--check'], { encoding: 'utf8' }).trim();
    if (binary === undefined || !existsSync(binary)) {
      expect(out).toBe('browser: The Electron binary is not installed (it is downloaded on first install and this machine was offline), so Line Protocol Studio starts in browser mode instead.');
    } else {
      expect(out).toMatch(/^(desktop|browser: .+ starts in browser mode instead\.)$/);
    }
  });
});
