#!/usr/bin/env node
// `npm start`: runs the desktop app where Electron can start, and the browser mode
// (`lpstudio serve`, the same UI at http://127.0.0.1:8086/) where it cannot, saying why.
// `node scripts/start.js --check` prints the decision and exits; `--no-build` skips the builds.
// Other arguments go to `lpstudio serve` in browser mode (e.g. `npm start -- --port 9000`).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

/**
 * The Electron binary's path when it is installed. Not `require('electron')`: since Electron 45
 * that downloads the binary on first use, which would hang here without a network.
 */
export function electronBinary() {
  let pkgDir;
  try {
    pkgDir = path.dirname(require.resolve('electron/package.json'));
  } catch {
    return null;
  }
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const pathFile = path.join(pkgDir, 'path.txt');
  const exe = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : '';
  if (exe === '' && override === undefined) return null;
  const full = override !== undefined ? path.join(override, exe || 'electron') : path.join(pkgDir, 'dist', exe);
  return existsSync(full) ? full : null;
}

/** Where the desktop app cannot start, the reason in one sentence; null when it can. */
export function desktopUnavailable() {
  if (electronBinary() === null) {
    return 'The Electron binary is not installed (it is downloaded on first install and this machine is offline), so Line Protocol Studio starts in browser mode instead.';
  }
  if (!existsSync(path.join(root, 'node_modules/@electron-forge/cli'))) {
    return 'Electron Forge is not installed (run npm install), so Line Protocol Studio starts in browser mode instead.';
  }
  if (!process.env.DISPLAY && !process.env.WAYLAND_DISPLAY && process.platform === 'linux') {
    return 'There is no display to open a window on, so Line Protocol Studio starts in browser mode instead.';
  }
  return null;
}

function npmRun(script) {
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  if (!pkg.scripts?.[script]) return;
  const r = spawnSync('npm', ['run', '--silent', script], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const ownFlags = new Set(['--check', '--no-build']);
const why = desktopUnavailable();
if (process.argv.includes('--check')) {
  console.log(why === null ? 'desktop' : `browser: ${why}`);
  process.exit(0);
}
if (!process.argv.includes('--no-build')) {
  npmRun('build:cli');
  npmRun('build:renderer');
}

let child;
if (why === null) {
  // Forge stays in the terminal's foreground group (it reads "rs" from stdin): Ctrl+C reaches it
  // from the terminal; only a SIGTERM sent to this script is passed on.
  child = spawn('npx', ['electron-forge', 'start'], { cwd: root, stdio: 'inherit' });
  process.on('SIGINT', () => {});
  process.on('SIGTERM', () => child.kill('SIGTERM'));
} else {
  console.log(why);
  // The endpoint runs in its own process group so that Ctrl+C reaches it exactly once (passed on
  // from here): a second signal while it closes its store would cut the close short.
  child = spawn(process.execPath, [path.join(root, 'bin/lpstudio.js'), 'serve', ...process.argv.slice(2).filter((a) => !ownFlags.has(a))], {
    cwd: root,
    stdio: 'inherit',
    detached: true,
  });
  // One Ctrl+C can arrive here twice (from the terminal, and passed on by `npm start`): signals
  // within a second of the last one passed on are dropped. A later second Ctrl+C is passed on and
  // ends the endpoint at once.
  let lastForward = 0;
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, () => {
      if (Date.now() - lastForward < 1000) return;
      lastForward = Date.now();
      child.kill(sig);
    });
  }
  // If this script goes away, the endpoint goes with it.
  process.on('exit', () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  });
}
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 + (os.constants.signals[signal] ?? 0) : 1)));
