#!/usr/bin/env node
// Electronegativity (Doyensec's Electron security linter) over the desktop code, offline:
//   node scripts/electronegativity.js [--input electron] [--allowlist test/conformance/electronegativity-allowlist.json]
// Prints one JSON report ({checks, files, findings, unexpected, stale}) and exits 1 when a finding
// above LOW is not in the allow-list (each entry: check id, file, a piece of the flagged code, and
// why it is acceptable), or when an allow-list entry matches nothing any more (remove it).
//
// Offline by construction: the check that downloads Electron's release list
// (AvailableSecurityFixesGlobalCheck) is excluded, the Electron version is read from
// node_modules/electron instead of being guessed, and Electronegativity's one other network use
// (fetching translations at start) gets a stand-in for its HTTP client that fails at once, so
// it falls back to its bundled English texts without touching the network.
import { readFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
};
const input = path.resolve(root, arg('--input', 'electron'));
const allowlistFile = path.resolve(root, arg('--allowlist', 'test/conformance/electronegativity-allowlist.json'));

/** Checks that need the network: excluded (release data is fetched from GitHub). */
export const NETWORK_CHECKS = ['AvailableSecurityFixesGlobalCheck'];

const require = createRequire(path.join(root, 'package.json'));
const enegDir = path.dirname(require.resolve('@doyensec/electronegativity/package.json'));
const enegRequire = createRequire(path.join(enegDir, 'dist', 'index.js'));

// The HTTP client (got) as Electronegativity loads it, replaced before it is first required.
const attempted = [];
const gotPath = enegRequire.resolve('got');
const offlineGot = (url) => {
  attempted.push(String(url));
  return Promise.reject(new Error('offline: Electronegativity runs without the network here'));
};
offlineGot.head = offlineGot;
const stub = new Module(gotPath);
stub.filename = gotPath;
stub.loaded = true;
stub.exports = offlineGot;
require.cache[gotPath] = stub;

const run = enegRequire('./runner.js');
const electronVersion = JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')).version;

// Its progress and translation notices go to stdout; keep stdout for the report.
const log = console.log;
console.log = (...a) => console.error(...a);
let result;
try {
  result = await run({ input, excludeFromScan: NETWORK_CHECKS, electronVersionOverride: electronVersion, isRelative: true, severitySet: 'informational', confidenceSet: 'tentative' }, false);
} finally {
  console.log = log;
}

const allowlist = JSON.parse(readFileSync(allowlistFile, 'utf8'));
const LOW = 1;
const findings = result.issues.map((i) => ({
  id: i.id,
  severity: i.severity.name,
  confidence: i.confidence.name,
  file: path.relative(input, path.resolve(input, i.file)).split(path.sep).join('/'),
  line: i.location.line,
  sample: String(i.sample ?? '').trim(),
  description: i.description,
  above: i.severity.value > LOW,
}));
const matches = (entry, f) => entry.id === f.id && entry.file === f.file && f.sample.includes(entry.sample);
const unexpected = findings.filter((f) => f.above && !allowlist.some((e) => matches(e, f)));
const stale = allowlist.filter((e) => !findings.some((f) => matches(e, f)));
const report = {
  electronVersion,
  checks: result.atomicChecks + result.globalChecks,
  errors: result.errors.filter((e) => !e.tolerable).map((e) => `${e.file}: ${e.message}`),
  network: attempted.filter((u) => !u.includes('electronegativity-i18n')),
  findings,
  unexpected,
  stale,
};
process.stdout.write(JSON.stringify(report, null, 2) + '\n');
process.exitCode = unexpected.length > 0 || stale.length > 0 || report.errors.length > 0 || report.network.length > 0 ? 1 : 0;
