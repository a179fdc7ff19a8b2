// `npm run make` end to end: Electron Forge's real pipeline (its Vite plugin builds main, host,
// preload, CLI and renderer; the packager makes the asar; the fuses plugin flips the fuses;
// maker-deb and maker-zip make the packages), offline, against a STAND-IN for Electron's release
// zip (test/support/electron-stand-in.ts: the runtime only, since the real one cannot be
// downloaded here). Then the packages are opened the way a user's machine would: dpkg-deb,
// the desktop entry, the icons, /usr/bin/lpstudio run for real, the asar's file list.
import { getCurrentFuseWire } from '@electron/fuses';
import { extractFile, listPackage, statFile } from '@electron/asar';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, rmSync, readdirSync, readFileSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ICON_SIZES, PRODUCTION_FUSES } from '../../forge.config.js';
import { buildElectronStandInZip, STAND_IN_BINARY_TEXT, STAND_IN_DEFAULT_WIRE } from '../support/electron-stand-in.js';
import { repoRoot } from '../support/shared.js';

const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string; main: string };
const electronVersion = (JSON.parse(readFileSync(path.join(repoRoot, 'node_modules/electron/package.json'), 'utf8')) as { version: string }).version;
const zipName = `electron-v${electronVersion}-linux-x64.zip`;
const forgeScript = path.join(repoRoot, 'scripts/forge.js');

/** The packaged app's own files (everything but Electron's) may not exceed this: the README's size budget. */
const APP_FILES_BUDGET_BYTES = 6 * 1024 * 1024;

function forge(args: string[], env: Record<string, string>) {
  return spawnSync(process.execPath, [forgeScript, ...args], { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 240_000 });
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => path.join(d.parentPath, d.name));
}

function pngSize(file: string): [number, number] {
  const b = readFileSync(file);
  expect(b.subarray(1, 4).toString('latin1')).toBe('PNG');
  return [b.readUInt32BE(16), b.readUInt32BE(20)];
}

describe('npm run make without Electron’s zip', () => {
  it('stops with one sentence naming the zip and LPSTUDIO_ELECTRON_ZIP_DIR when the directory given lacks it', () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'lpstudio-nozip-'));
    const r = forge(['make'], { LPSTUDIO_ELECTRON_ZIP_DIR: empty });
    rmSync(empty, { recursive: true });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr.trim()).toBe(
      `Packaging needs Electron's release zip ${zipName}, which is not in LPSTUDIO_ELECTRON_ZIP_DIR (${empty}): put it there (from https://github.com/electron/electron/releases/download/v${electronVersion}/${zipName}) and run again.`,
    );
  });

  it('stops with one sentence when the zip is neither cached nor downloadable', () => {
    const emptyCache = mkdtempSync(path.join(tmpdir(), 'lpstudio-nocache-'));
    // Nothing listens on port 9 of the loopback: the download fails at once, as offline.
    const r = forge(['package'], { LPSTUDIO_ELECTRON_ZIP_DIR: '', XDG_CACHE_HOME: emptyCache, ELECTRON_MIRROR: 'http://127.0.0.1:9/' });
    rmSync(emptyCache, { recursive: true });
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr.trim()).toBe(
      `Packaging needs Electron's release zip ${zipName}, which is not in Electron's download cache and cannot be downloaded here (http://127.0.0.1:9/v${electronVersion}/${zipName} is unreachable): set LPSTUDIO_ELECTRON_ZIP_DIR to a directory holding that zip, or run this on a machine with network access.`,
    );
  });
});

describe('npm run make (Forge against a stand-in Electron zip)', () => {
  let out: string;
  let deb: string;
  let zip: string;
  let root: string; // the .deb extracted
  const lib = () => path.join(root, 'usr/lib/lpstudio');
  const servers: ReturnType<typeof spawn>[] = [];
  const temps: string[] = [];
  const temp = (prefix: string) => {
    const d = mkdtempSync(path.join(tmpdir(), prefix));
    temps.push(d);
    return d;
  };

  beforeAll(async () => {
    const zipDir = await buildElectronStandInZip(electronVersion);
    temps.push(path.dirname(zipDir));
    out = temp('lpstudio-make-');
    const r = forge(['make'], { LPSTUDIO_ELECTRON_ZIP_DIR: zipDir, LPSTUDIO_PACKAGE_OUT_DIR: out });
    if (r.status !== 0) throw new Error(`npm run make failed (${r.status})\n${r.stdout}\n${r.stderr}`);
    const debs = filesUnder(path.join(out, 'make/deb'));
    const zips = filesUnder(path.join(out, 'make/zip'));
    expect(debs.map((f) => path.relative(out, f))).toEqual([`make/deb/x64/lpstudio_${pkg.version}_amd64.deb`]);
    expect(zips.map((f) => path.relative(out, f))).toEqual([`make/zip/linux/x64/Line Protocol Studio-linux-x64-${pkg.version}.zip`]);
    deb = debs[0];
    zip = zips[0];
    root = temp('lpstudio-deb-');
    execFileSync('dpkg-deb', ['-x', deb, root]);
    console.log(`packaging test: .deb ${statSync(deb).size} bytes, .zip ${statSync(zip).size} bytes (with the stand-in runtime)`);
  }, 300_000);

  afterAll(() => {
    for (const s of servers) if (s.exitCode === null) s.kill('SIGKILL');
    for (const d of temps) rmSync(d, { recursive: true, force: true });
  });

  it('the .deb’s control file: package lpstudio at the app’s version, in devel, with Electron’s libraries and Node.js for the CLI', () => {
    const control = execFileSync('dpkg-deb', ['-f', deb], { encoding: 'utf8' });
    const field = (name: string) => new RegExp(`^${name}: (.*)$`, 'm').exec(control)?.[1];
    expect(field('Package')).toBe('lpstudio');
    expect(field('Version')).toBe(pkg.version);
    expect(field('Architecture')).toBe('amd64');
    expect(field('Section')).toBe('devel');
    expect(field('Depends')).toMatch(/\blibgtk-3-0\b.*\blibnss3\b/);
    expect(field('Recommends')).toContain('nodejs (>= 20.19)');
    expect(execFileSync('dpkg-deb', ['-I', deb], { encoding: 'utf8' })).toContain('Line Protocol Studio edits InfluxDB line protocol');
  });

  it('installs the app in /usr/lib/lpstudio, /usr/bin/lpstudio and the desktop entry, as root-owned files', () => {
    const listing = execFileSync('dpkg-deb', ['-c', deb], { encoding: 'utf8' });
    expect(listing).toMatch(/^lrwxrwxrwx root\/root\s+0 .* \.\/usr\/bin\/lpstudio -> \.\.\/lib\/lpstudio\/resources\/lpstudio$/m);
    expect(listing).toMatch(/^-rwxr-xr-x root\/root .* \.\/usr\/lib\/lpstudio\/lpstudio-desktop$/m);
    expect(listing).toMatch(/^-rwxr-xr-x root\/root .* \.\/usr\/lib\/lpstudio\/resources\/lpstudio$/m);
    expect(listing).toMatch(/^-rw-r--r-- root\/root .* \.\/usr\/share\/applications\/lpstudio\.desktop$/m);
    // The packager drops Electron's default app; the runtime's binary is the one renamed.
    expect(listing).not.toContain('default_app');
    expect(listing).not.toMatch(/\/electron$/m);
    expect(readFileSync(path.join(lib(), 'lpstudio-desktop'), 'utf8')).toContain(STAND_IN_BINARY_TEXT);
  });

  it('the desktop entry starts the packaged app, with its name, icon, category and window class', () => {
    const entry = readFileSync(path.join(root, 'usr/share/applications/lpstudio.desktop'), 'utf8');
    const lines = entry.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
    expect(lines[0]).toBe('[Desktop Entry]');
    const keys = Object.fromEntries(lines.slice(1).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    expect(keys).toMatchObject({
      Type: 'Application',
      Name: 'Line Protocol Studio',
      Exec: '/usr/lib/lpstudio/lpstudio-desktop',
      Icon: 'lpstudio',
      Categories: 'Development;',
      // Electron's WM_CLASS is the app's name: package.json's "name" (there is no productName).
      StartupWMClass: 'lpstudio',
      Terminal: 'false',
    });
    expect(existsSync(path.join(root, keys.Exec))).toBe(true);
    // freedesktop.org's own validator (Debian's desktop-file-utils) finds nothing to report.
    const check = spawnSync('desktop-file-validate', [path.join(root, 'usr/share/applications/lpstudio.desktop')], { encoding: 'utf8' });
    expect([check.status, check.stdout + check.stderr]).toEqual([0, '']);
  });

  it('the icon in every hicolor size, each PNG of its size', () => {
    for (const s of ICON_SIZES) {
      const icon = path.join(root, `usr/share/icons/hicolor/${s}x${s}/apps/lpstudio.png`);
      expect(pngSize(icon)).toEqual([s, s]);
      expect(readFileSync(icon)).toEqual(readFileSync(path.join(repoRoot, `packaging/icons/${s}x${s}.png`)));
    }
  });

  it('/usr/bin/lpstudio runs the bundled command line under Node.js (lint, help)', () => {
    const bin = path.join(root, 'usr/bin/lpstudio');
    expect(lstatSync(bin).isSymbolicLink()).toBe(true);
    const work = temp('lpstudio-pkg-cli-');
    writeFileSync(path.join(work, 'bad.lp'), 'cpu,host=a usage=1i 1700000000000000000\ncpu,host=a usage= 1700000000000000000\n');
    // Whatever "node" the PATH has (>= 20.19), as on the user's machine.
    const lint = spawnSync(bin, ['lint', 'bad.lp'], { cwd: work, encoding: 'utf8' });
    expect(lint.status).toBe(1);
    expect(lint.stdout).toMatch(/^bad\.lp:2:\d+: error: /m);
    const help = spawnSync(bin, ['--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('usage: lpstudio <command> [options]');
  });

  it('/usr/bin/lpstudio says what it needs when there is no suitable Node.js', () => {
    const r = spawnSync(path.join(root, 'usr/bin/lpstudio'), ['--help'], { encoding: 'utf8', env: { ...process.env, LPSTUDIO_NODE: '/nonexistent/node' } });
    expect(r.status).toBe(127);
    expect(r.stderr.trim()).toBe(
      'lpstudio: the command line needs Node.js 20.19 or later as "node" on the PATH (or set LPSTUDIO_NODE to one); install it, e.g. apt-get install nodejs, then run lpstudio again',
    );
  });

  it('lpstudio serve from the package runs the endpoint and serves the browser UI, at the package’s version', async () => {
    const data = temp('lpstudio-pkg-serve-');
    const p = spawn(path.join(root, 'usr/bin/lpstudio'), ['serve', '--port', '0', '--data', data, '--token', 'packaging-test-token'], { stdio: ['ignore', 'pipe', 'pipe'] });
    servers.push(p);
    let text = '';
    p.stdout!.on('data', (d: Buffer) => (text += d.toString()));
    p.stderr!.on('data', (d: Buffer) => (text += d.toString()));
    await expect.poll(() => text, { timeout: 20_000 }).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+/);
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(text)![1];
    expect((await fetch(`${url}/ping`)).status).toBe(204);
    const page = await fetch(`${url}/`);
    expect(page.status).toBe(200);
    const html = await page.text();
    const script = /src="\.\/(assets\/index-[\w-]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    expect((await fetch(`${url}/${script}`)).status).toBe(200);
    // Signed in with the operator token, the app API reports the package's version (built into the bundle).
    const signIn = await fetch(`${url}/app-api/sign-in`, { method: 'POST', headers: { Origin: url, 'Content-Type': 'application/json' }, body: JSON.stringify({ token: 'packaging-test-token' }) });
    expect(signIn.status).toBe(200);
    const cookie = signIn.headers.get('set-cookie')!.split(';')[0];
    const info = await fetch(`${url}/app-api/info`, { method: 'POST', headers: { Origin: url, 'Content-Type': 'application/json', Cookie: cookie }, body: '{}' });
    expect(await info.json()).toMatchObject({ mode: 'browser', version: pkg.version });
    p.kill('SIGTERM');
    await new Promise((r) => p.once('exit', r));
  }, 30_000);

  it('the asar holds only the Vite outputs, the tray icons and package.json: no node_modules, sources, tests or maps', () => {
    const asar = path.join(lib(), 'resources/app.asar');
    const files = listPackage(asar, { isPack: false }).filter((f) => !('files' in statFile(asar, f.slice(1))));
    expect(files).toContain('/package.json');
    expect(files).toContain('/.vite/build/main.js');
    expect(files).toContain('/.vite/build/endpoint-host.js');
    expect(files).toContain('/.vite/build/preload.cjs');
    expect(files).toContain('/.vite/build/lpstudio-cli.mjs');
    expect(files).toContain('/.vite/renderer/main_window/index.html');
    expect(files.some((f) => /^\/\.vite\/renderer\/main_window\/assets\/lint\.worker-[\w-]+\.js$/.test(f))).toBe(true);
    expect(files.filter((f) => f.startsWith('/electron/'))).toEqual(['/electron/icons/tray-error.png', '/electron/icons/tray-running.png', '/electron/icons/tray-stopped.png']);
    for (const f of files) {
      expect(f).toMatch(/^\/(package\.json|\.vite\/(build|renderer\/main_window)\/.+|electron\/icons\/tray-\w+\.png)$/);
      expect(f).not.toMatch(/node_modules|\.map$|\.ts$|\.test\.|\/test\//);
    }
    // Electron starts the package's "main", the Vite main bundle; the bundles import nothing but
    // electron and Node's built-ins, since no node_modules ship.
    const packaged = JSON.parse(extractFile(asar, 'package.json').toString('utf8')) as { main: string };
    expect(packaged.main).toBe(pkg.main);
    expect(packaged.main).toBe('.vite/build/main.js');
    for (const bundle of ['.vite/build/main.js', '.vite/build/endpoint-host.js', '.vite/build/preload.cjs']) {
      const code = extractFile(asar, bundle).toString('utf8');
      // (Not code generated into template strings, as ajv's `require("ajv/dist/runtime/…")`.)
      const specifiers = [...code.matchAll(/(?<![`\w.$])(?:from\s*|import\s*\(?\s*|require\s*\(\s*)["']([^"'./][^"']*)["']/g)].map((m) => m[1]);
      expect(specifiers.filter((s) => s !== 'electron' && !s.startsWith('node:'))).toEqual([]);
      expect(code).not.toContain('sourceMappingURL');
    }
  });

  it('the CLI bundle is the one file kept outside the asar (Node reads it there), beside the launcher and the UI copy', () => {
    const unpacked = filesUnder(path.join(lib(), 'resources/app.asar.unpacked')).map((f) => path.relative(lib(), f));
    expect(unpacked).toEqual(['resources/app.asar.unpacked/.vite/build/lpstudio-cli.mjs']);
    const resources = readdirSync(path.join(lib(), 'resources')).sort();
    expect(resources).toEqual(['app.asar', 'app.asar.unpacked', 'lpstudio', 'main_window']);
    expect(readlinkSync(path.join(root, 'usr/bin/lpstudio'))).toBe('../lib/lpstudio/resources/lpstudio');
  });

  it('the fuses plugin set the production fuses on the runtime binary', async () => {
    const wire = await getCurrentFuseWire(path.join(lib(), 'lpstudio-desktop'));
    const expected = STAND_IN_DEFAULT_WIRE.split('').map((c) => c.charCodeAt(0));
    for (const [fuse, on] of Object.entries(PRODUCTION_FUSES)) {
      if (fuse !== 'version') expected[Number(fuse)] = (on ? '1' : '0').charCodeAt(0);
    }
    expect(Object.entries(wire).filter(([k]) => k !== 'version').map(([, v]) => v)).toEqual(expected);
  });

  it('the .zip holds the same app folder, and the app’s own files stay within the size budget', () => {
    const listing = execFileSync('unzip', ['-Z1', zip], { encoding: 'utf8' }).split('\n');
    const top = 'Line Protocol Studio-linux-x64/';
    for (const f of ['lpstudio-desktop', 'resources/app.asar', 'resources/lpstudio', 'resources/app.asar.unpacked/.vite/build/lpstudio-cli.mjs', 'resources/main_window/index.html']) {
      expect(listing).toContain(top + f);
    }
    expect(listing).not.toContain(`${top}resources/default_app.asar`);
    const own = ['resources/app.asar', 'resources/app.asar.unpacked', 'resources/main_window', 'resources/lpstudio'].map((p) => path.join(lib(), p));
    const bytes = own.flatMap((p) => (statSync(p).isDirectory() ? filesUnder(p) : [p])).reduce((n, f) => n + statSync(f).size, 0);
    console.log(`packaging test: the app's own files take ${bytes} bytes`);
    expect(bytes).toBeLessThan(APP_FILES_BUDGET_BYTES);
  });
});
