// A STAND-IN for Electron's release zip (electron-v<version>-linux-x64.zip), for the packaging test
// on machines that cannot download the real one. It stands in for the runtime only: the files
// @electron/packager and electron-installer-debian read or move (the `electron` executable,
// `version`, `LICENSE`, `chrome-sandbox`, `locales/`, `resources/default_app.asar`), with tiny
// contents. Its `electron` is a shell script that refuses to run, ending in a fuse wire laid out
// as in Electron's binary (sentinel, version 1, length, one '0'/'1' per fuse, set to Electron 45's
// defaults), so that the real @electron/fuses flips it and the test can read the result back.
// Everything the project builds (the Vite bundles, the asar, the .deb, the .zip) is real.
import { createPackage } from '@electron/asar';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

// @electron/fuses' sentinel (its constants.js); the wire follows it.
const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
/** Electron 45's fuse defaults, in wire order (RunAsNode … WasmTrapHandlers). */
export const STAND_IN_DEFAULT_WIRE = '101100011';

export const STAND_IN_BINARY_TEXT = 'stand-in for the Electron binary (packaging test only)';

/** Builds the stand-in zip for `version` in a new directory; returns that directory (for LPSTUDIO_ELECTRON_ZIP_DIR). */
export async function buildElectronStandInZip(version: string): Promise<string> {
  const work = mkdtempSync(path.join(tmpdir(), 'lpstudio-electron-stand-in-'));
  const tree = path.join(work, 'tree');
  mkdirSync(path.join(tree, 'locales'), { recursive: true });
  mkdirSync(path.join(tree, 'resources'), { recursive: true });

  const script = `#!/bin/sh\necho "${STAND_IN_BINARY_TEXT}: Electron ${version} is not installed here" >&2\nexit 1\n`;
  const wire = Buffer.concat([Buffer.from(`# ${FUSE_SENTINEL}`), Buffer.from([1, STAND_IN_DEFAULT_WIRE.length]), Buffer.from(STAND_IN_DEFAULT_WIRE), Buffer.from('\n')]);
  writeFileSync(path.join(tree, 'electron'), Buffer.concat([Buffer.from(script), wire]));
  chmodSync(path.join(tree, 'electron'), 0o755);
  writeFileSync(path.join(tree, 'chrome-sandbox'), '#!/bin/sh\nexit 1\n');
  chmodSync(path.join(tree, 'chrome-sandbox'), 0o755);
  writeFileSync(path.join(tree, 'version'), version);
  writeFileSync(path.join(tree, 'LICENSE'), `Copyright (c) Electron contributors (stand-in text for the packaging test)\n`);
  writeFileSync(path.join(tree, 'LICENSES.chromium.html'), '<!doctype html><title>stand-in</title>\n');
  writeFileSync(path.join(tree, 'locales/en-US.pak'), 'stand-in');
  // Electron's default app, which the packager removes.
  const defaultApp = path.join(work, 'default_app');
  mkdirSync(defaultApp);
  writeFileSync(path.join(defaultApp, 'package.json'), '{"name":"electron","main":"main.js"}\n');
  writeFileSync(path.join(defaultApp, 'main.js'), '\n');
  await createPackage(defaultApp, path.join(tree, 'resources/default_app.asar'));

  const zips = path.join(work, 'zips');
  mkdirSync(zips);
  execFileSync('zip', ['-qry', path.join(zips, `electron-v${version}-linux-x64.zip`), '.'], { cwd: tree });
  return zips;
}
