#!/usr/bin/env node
// `npm run package` and `npm run make`: Electron Forge (forge.config.ts), once Electron's release
// zip for this machine is known to be at hand. The packager needs that zip (the runtime it ships)
// and downloads it when it is in none of the places below; on an offline machine that download
// would end in a stack trace, so this says in one sentence what is missing and how to provide it.
//   node scripts/forge.js package|make [electron-forge options]
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Electron's release zip name for this machine and the project's Electron version. */
export function electronZipName(version = electronVersion(), platform = process.platform, arch = process.arch) {
  return `electron-v${version}-${platform}-${arch}.zip`;
}

function electronVersion() {
  return JSON.parse(readFileSync(path.join(root, 'node_modules/electron/package.json'), 'utf8')).version;
}

/** Where @electron/get keeps downloaded zips: <cache>/<hash of the URL's folder>/<zip>. */
function cachedZip(name) {
  const cacheRoot = path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'electron');
  if (!existsSync(cacheRoot)) return null;
  for (const d of readdirSync(cacheRoot, { withFileTypes: true })) {
    if (d.isDirectory() && existsSync(path.join(cacheRoot, d.name, name))) return path.join(cacheRoot, d.name, name);
  }
  return null;
}

/** The URL @electron/get would download from (ELECTRON_MIRROR and ELECTRON_CUSTOM_DIR as it reads them). */
function downloadUrl(version, name) {
  const base = process.env.ELECTRON_MIRROR || 'https://github.com/electron/electron/releases/download/';
  const dir = (process.env.ELECTRON_CUSTOM_DIR || `v${version}`).replace('{{ version }}', version);
  return `${base}${dir}/${name}`;
}

async function reachable(url) {
  try {
    const res = await fetch(url, { method: 'HEAD', redirect: 'follow', signal: AbortSignal.timeout(15_000) });
    return res.ok;
  } catch {
    return false;
  }
}

/** Null when the zip is at hand (or can be downloaded), else the sentence saying what to do. */
export async function missingElectronZip() {
  const version = electronVersion();
  const name = electronZipName(version);
  const dir = process.env.LPSTUDIO_ELECTRON_ZIP_DIR;
  if (dir) {
    return existsSync(path.join(dir, name))
      ? null
      : `Packaging needs Electron's release zip ${name}, which is not in LPSTUDIO_ELECTRON_ZIP_DIR (${dir}): put it there (from ${downloadUrl(version, name)}) and run again.`;
  }
  if (cachedZip(name) !== null) return null;
  const url = downloadUrl(version, name);
  if (await reachable(url)) return null;
  return `Packaging needs Electron's release zip ${name}, which is not in Electron's download cache and cannot be downloaded here (${url} is unreachable): set LPSTUDIO_ELECTRON_ZIP_DIR to a directory holding that zip, or run this on a machine with network access.`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [command, ...rest] = process.argv.slice(2);
  if (command !== 'package' && command !== 'make') {
    console.error('usage: node scripts/forge.js package|make [electron-forge options]');
    process.exit(2);
  }
  const missing = await missingElectronZip();
  if (missing !== null) {
    console.error(missing);
    process.exit(1);
  }
  // Forge 8 needs Node 22: the project's own (the `node` dev dependency) when this runs under another.
  const node22 = path.join(root, 'node_modules/node/bin/node');
  const node = existsSync(node22) ? node22 : process.execPath;
  const r = spawnSync(node, [path.join(root, 'node_modules/@electron-forge/cli/dist/electron-forge.js'), command, ...rest], { cwd: root, stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
