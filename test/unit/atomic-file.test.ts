// The one atomic-file helper every rewritten file goes through, on real files.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sweepAtomicTemps, writeFileAtomicSync } from '../../server/fs/atomic-file.js';

const freshDir = () => mkdtempSync(path.join(tmpdir(), 'lpstudio-atomic-'));

describe('writeFileAtomicSync', () => {
  it('creates a file with exactly the content, mode 0600 by default, and leaves no temporary file', () => {
    const dir = freshDir();
    const file = path.join(dir, 'state.json');
    writeFileAtomicSync(file, '{"a":1}\n');
    expect(readFileSync(file, 'utf8')).toBe('{"a":1}\n');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['state.json']);
  });

  it('replaces the whole content (a shorter new content leaves no tail of the old one)', () => {
    const dir = freshDir();
    const file = path.join(dir, 'state.json');
    writeFileAtomicSync(file, 'x'.repeat(100_000));
    writeFileAtomicSync(file, Buffer.from('short'));
    expect(readFileSync(file, 'utf8')).toBe('short');
    expect(readdirSync(dir)).toEqual(['state.json']);
  });

  it('fsyncs the file and then its directory', () => {
    const dir = freshDir();
    const counter = { fsyncs: 0 };
    writeFileAtomicSync(path.join(dir, 'checkpoint'), '7\n', { counter, mode: 0o644 });
    expect(counter.fsyncs).toBe(2);
    expect(statSync(path.join(dir, 'checkpoint')).mode & 0o777).toBe(0o644);
  });

  it('on a failed replacement leaves the old content in place, removes its temporary file and throws', () => {
    const dir = freshDir();
    // The target is a non-empty directory: the rename over it fails after the temp file was written.
    const target = path.join(dir, 'target');
    mkdirSync(target);
    writeFileSync(path.join(target, 'inside'), 'old');
    expect(() => writeFileAtomicSync(target, 'new')).toThrow(/EISDIR|ENOTEMPTY|EEXIST/);
    expect(readFileSync(path.join(target, 'inside'), 'utf8')).toBe('old');
    expect(readdirSync(dir)).toEqual(['target']);
  });

  it('fails without touching anything when the directory does not exist', () => {
    const dir = freshDir();
    expect(() => writeFileAtomicSync(path.join(dir, 'missing', 'f'), 'x')).toThrow(/ENOENT/);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('sweepAtomicTemps', () => {
  it('removes the temporary files of writers that are gone, not those of live ones nor other files', () => {
    const dir = freshDir();
    const file = path.join(dir, 'meta.json');
    writeFileSync(file, '{}');
    const dead = `meta.json.${2 ** 22 + 99}.0badf00d.tmp`;
    const live = `meta.json.${process.ppid}.0000beef.tmp`;
    for (const n of [dead, live, 'other.json.1.00000000.tmp', 'meta.json.lock']) writeFileSync(path.join(dir, n), 'x');
    expect(sweepAtomicTemps(file)).toEqual([dead]);
    expect(readdirSync(dir).sort()).toEqual(['meta.json', live, 'meta.json.lock', 'other.json.1.00000000.tmp'].sort());
  });
});
