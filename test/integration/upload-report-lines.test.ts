// The upload report's file line numbers, through the real uploader against a real `lpstudio
// serve`: a file whose type conflicts are on lines 53 and 56 (as its own summary finds them)
// is reported with exactly those lines, in one batch (the conflict inside the batch) and in
// batches of 20 (the conflict against what an earlier batch stored); a 400's bad lines each
// with its own reason (InfluxDB's text for that line).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { summarizeFile } from '../../app/files/summary.js';
import { upload, type UploadTarget } from '../../app/upload/uploader.js';
import { cleanup, makeTempDir, startServer, type RunningServer } from '../support/serve.js';

let srv: RunningServer;
beforeAll(async () => {
  srv = await startServer({ args: ['--auto-create-buckets'] });
});
afterAll(cleanup);

const T0 = 1_700_000_000_000_000_000n;
/** Line 1 a comment; lines 2-60 points of cpu.usage, floats except integers on lines 53 and 56. */
function conflictFile(): string {
  const lines = ['# cpu usage, one point a second'];
  for (let n = 2; n <= 60; n++) lines.push(`cpu,host=a usage=${n === 53 || n === 56 ? `${n}i` : `${n}.5`} ${T0 + BigInt(n) * 1_000_000_000n}`);
  return lines.join('\n') + '\n';
}
const target = (db: string): UploadTarget => ({ url: srv.url, api: 'v1', db, auth: { kind: 'token', token: srv.token } });
const source = async function* (text: string) {
  yield Buffer.from(text);
};

it("the file's summary finds the conflicts on lines 53 and 56 (the report must agree)", async () => {
  const file = path.join(makeTempDir(), 'conflicts.lp');
  writeFileSync(file, conflictFile());
  const s = await summarizeFile(file);
  expect(s.diagnostics.filter((d) => d.code === 'field-type-conflict').map((d) => d.line)).toEqual([53, 56]);
});

it('one batch: the report names file lines 53 and 56 (not line 2), each with the server reason', async () => {
  const report = await upload(source(conflictFile()), target('one'), { gzip: false });
  expect(report.pointsWritten).toBe(57);
  expect(report.linesRejectedCount).toBe(2);
  expect(report.linesRejected.map((l) => l.line)).toEqual([53, 56]);
  for (const l of report.linesRejected) expect(l.reason).toBe('field type conflict: input field "usage" on measurement "cpu" is type integer, already exists as type float');
});

it('batches of 20: the conflicting lines are mapped back through their batch to file lines 53 and 56', async () => {
  const report = await upload(source(conflictFile()), target('twenty'), { batchLines: 20, gzip: true });
  expect(report.batchesSent).toBe(3);
  expect(report.pointsWritten).toBe(57);
  expect(report.linesRejected.map((l) => l.line)).toEqual([53, 56]);
});

it('a 400: each bad file line with its own reason', async () => {
  const text = '# two bad lines\ncpu v=1 1\ncpu v= 2\ncpu v=3 3\ncpu v=4 4x\n';
  const report = await upload(source(text), target('bad'), { gzip: false });
  expect(report.pointsWritten).toBe(0);
  expect(report.linesRejected).toEqual([
    { line: 3, reason: "unable to parse 'cpu v= 2': missing field value" },
    { line: 5, reason: expect.stringMatching(/^unable to parse 'cpu v=4 4x': (?!missing field value)/) },
  ]);
});
