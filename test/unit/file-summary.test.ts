// The validation pass over a dropped file (real files on disk): counts, time range, the first
// errors and warnings kept while the counts go on, whole lines in the preview, gzip told by its
// bytes, and the host's file jobs (staged copies removed, evicted, never named by the client).
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { FileJobs } from '../../app/files/file-jobs.js';
import { summarizeFile } from '../../app/files/summary.js';

const dir = mkdtempSync(path.join(tmpdir(), 'lpstudio-summary-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const put = (name: string, data: string | Buffer) => {
  const p = path.join(dir, name);
  writeFileSync(p, data);
  return p;
};

describe('summarizeFile', () => {
  it('counts lines, points and measurements, finds the time range with negative times, and keeps the first 100 errors', async () => {
    const lines = ['cpu v=1 -5', 'mem v=2 100', 'cpu v=3 -100', 'disk v=4 99', 'cpu v=5'];
    for (let i = 0; i < 150; i++) lines.push(`bad v=${i}x 1`);
    const s = await summarizeFile(put('mixed.lp', lines.join('\n') + '\n'));
    expect(s).toMatchObject({ lines: 155, records: 155, points: 5, errors: 150, measurements: ['cpu', 'disk', 'mem'], measurementCount: 3, minTime: '-100', maxTime: '100', untimed: 1 });
    expect(s.diagnostics.filter((d) => d.severity === 'error')).toHaveLength(100);
    expect(s.diagnostics[0]).toMatchObject({ line: 6, severity: 'error' });
    expect(s.diagnostics.at(-1)).toMatchObject({ line: 105 });
  });

  it('shows the first 200 whole lines, and never a cut line when 64 KiB comes first', async () => {
    const many = Array.from({ length: 500 }, (_, i) => `m v=${i} ${i}`).join('\n') + '\n';
    const s = await summarizeFile(put('many.lp', many));
    expect(s.headLines).toBe(200);
    expect(s.head).toBe(many.split('\n').slice(0, 200).join('\n') + '\n');
    const long = Array.from({ length: 100 }, (_, i) => `m s="${'x'.repeat(1000)}" ${i}`).join('\n') + '\n';
    const l = await summarizeFile(put('long.lp', long));
    expect(l.head.endsWith('\n')).toBe(true);
    expect(l.head.length).toBeLessThanOrEqual(64 * 1024);
    expect(long.startsWith(l.head)).toBe(true);
    expect(l.headLines).toBe(l.head.split('\n').length - 1);
    const huge = await summarizeFile(put('huge-line.lp', `m s="${'y'.repeat(70_000)}" 1\nm v=1 2\n`));
    expect([huge.head, huge.headLines, huge.points]).toEqual(['', 0, 2]);
    const short = await summarizeFile(put('short.lp', 'm v=1 1\nm v=2 2'));
    expect([short.head, short.headLines, short.points]).toEqual(['m v=1 1\nm v=2 2', 2, 2]);
  });

  it('reads gzip by its bytes whatever the name, with precision and dialect applied', async () => {
    const s = await summarizeFile(put('gz-named.txt', gzipSync('m v=1 1700000000\nm v=2 1700000001\n')), { precision: 's' });
    expect(s).toMatchObject({ points: 2, errors: 0, warnings: 0, minTime: '1700000000000000000', maxTime: '1700000001000000000' });
    const ns = await summarizeFile(put('plain.lp', 'm v=1 1700000000\n'));
    expect(ns.diagnostics.map((d) => d.code)).toContain('precision-mismatch');
    await expect(summarizeFile(put('broken.gz', gzipSync('m v=1 1\n'.repeat(1000)).subarray(0, 40)))).rejects.toThrow(/not valid gzip/);
  });
});

describe('FileJobs', () => {
  const until = async (f: () => boolean) => {
    for (let i = 0; i < 400 && !f(); i++) await new Promise((r) => setTimeout(r, 10));
    expect(f()).toBe(true);
  };

  it('stages a stream under an ID of its own, refuses one over the size limit, and removes copies when discarded or left over', async () => {
    const stage = path.join(dir, 'stage');
    mkdirSync(stage);
    writeFileSync(path.join(stage, '0b0c2c0e-95d6-4f7f-9a51-1a5b8d0d5a11'), 'left over by a crash');
    const jobs = new FileJobs(stage);
    expect(readdirSync(stage)).toEqual([]);
    const f = await jobs.stage(Readable.from([Buffer.from('m v=1 1\n')]), '../../etc/passwd.lp', { maxBytes: 100 });
    expect(readdirSync(stage)).toEqual([f.fileId]);
    expect(f.name).toBe('../../etc/passwd.lp'); // shown, never used as a path
    await until(() => jobs.status(f.fileId).stage === 'ready');
    expect(jobs.status(f.fileId).summary?.points).toBe(1);
    await expect(jobs.stage(Readable.from([Buffer.alloc(60, 97), Buffer.alloc(60, 97)]), 'big.lp', { maxBytes: 100 })).rejects.toThrow(/larger than 100 bytes/);
    expect(readdirSync(stage)).toEqual([f.fileId]);
    jobs.discard(f.fileId);
    expect(readdirSync(stage)).toEqual([]);
    expect(() => jobs.status(f.fileId)).toThrow(/no longer open/);
  });

  it('keeps at most 8 files open, discarding the oldest', async () => {
    const stage = path.join(dir, 'stage8');
    const jobs = new FileJobs(stage);
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) ids.push((await jobs.stage(Readable.from([Buffer.from(`m v=${i} 1\n`)]), `f${i}.lp`, { maxBytes: 100 })).fileId);
    expect(readdirSync(stage).sort()).toEqual(ids.slice(2).sort());
    expect(() => jobs.status(ids[0])).toThrow(/no longer open/);
    jobs.close();
    expect(readdirSync(stage)).toEqual([]);
  });
});
