#!/usr/bin/env node
// `npm test`: install missing system packages, type-check, build the CLI and the UI, run every vitest suite, then print one plain closing
// line ("Tests: N passed, N failed") that any CI can read. Exit status is vitest's.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';

function run(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  return r.status ?? 1;
}

const bin = (name) => new URL(`../node_modules/.bin/${name}`, import.meta.url).pathname;

if (run('bash', ['scripts/system-deps.sh']) !== 0) process.exit(1);
if (run(process.execPath, ['scripts/gen-influx-bytes.js']) !== 0) process.exit(1);
if (run(bin('tsc'), ['-p', 'tsconfig.json', '--noEmit']) !== 0) {
  console.error('type check failed');
  process.exit(1);
}
if (run(bin('tsc'), ['-p', 'lineprotocol/tsconfig.json', '--noEmit']) !== 0) {
  console.error('lineprotocol/ must not use DOM or Node APIs');
  process.exit(1);
}
if (run(bin('tsc'), ['-p', 'influxql/tsconfig.json', '--noEmit']) !== 0) {
  console.error('influxql/ must not use DOM or Node APIs');
  process.exit(1);
}
if (run(bin('tsc'), ['-p', 'tsconfig.build.json']) !== 0) process.exit(1);
// The UI, which the end-to-end tests load from `lpstudio serve`.
if (run(bin('vite'), ['build', '--logLevel', 'warn']) !== 0) {
  console.error('building the UI failed');
  process.exit(1);
}

mkdirSync('test-output', { recursive: true });
const report = 'test-output/vitest.json';
const status = run(bin('vitest'), [
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${report}`,
  ...process.argv.slice(2),
]);
if (existsSync(report)) {
  const r = JSON.parse(readFileSync(report, 'utf8'));
  const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  console.log(`Tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}`);
} else {
  console.log('Tests: 0 passed, 1 failed');
}
process.exit(status);
