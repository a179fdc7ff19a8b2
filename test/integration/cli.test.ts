// The lpstudio command as users run it: real files (plain and gzip), standard input, exit codes.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/shared.js';

const dir = mkdtempSync(path.join(tmpdir(), 'lpstudio-cli-'));
const bin = path.join(repoRoot, 'bin', 'lpstudio.js');

function lpstudio(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [bin, ...args], { input, encoding: 'utf8', cwd: dir });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function file(name: string, content: string | Buffer): string {
  const p = path.join(dir, name);
  writeFileSync(p, content);
  return p;
}

describe('lpstudio lint', () => {
  it('prints file:line:col, the hint, a summary, and exits 1 on errors', () => {
    const f = file('bad.lp', 'cpu,host=a v=1i 1700000000000000000\ncpu,host=b v=1.2.3 1700000000000000000\n');
    const r = lpstudio(['lint', f]);
    expect(r.code).toBe(1);
    expect(r.out).toBe(
      `${f}:2:14: error: invalid number\n` +
        '  hint: Numbers look like 1.5 (float), 1i (integer) or 1u (unsigned integer). NaN, Inf, hex and thousands separators are not allowed; wrap text in double quotes.\n' +
        '1 file: 2 lines, 1 point, 1 error, 0 warnings\n',
    );
  });

  it('reads a character split between two 64 KiB chunks whole, before and after ASCII chunks', () => {
    // ASCII chunks take a faster path than decoding: a chunk that ends inside a character must not.
    const line = 'cpu,host=a v=1i 1700000000000000000\n';
    const head = line.repeat(Math.floor(65535 / line.length));
    const pad = 'x'.repeat(65535 - head.length - 'cpu,h='.length);
    const split = `cpu,h=${pad}é v=2i 1700000000000000001\n`; // é's two bytes straddle offset 65536
    const f = file('split.lp', head + split + line.repeat(3000) + `cpu,h=ü v=3i 1700000000000000002\n`);
    expect(Buffer.from(head + split).indexOf(Buffer.from('é'))).toBe(65535);
    const r = lpstudio(['parse', f]);
    const points = r.out.trim().split('\n').map((l) => JSON.parse(l).point);
    expect(points).toHaveLength(head.split('\n').length - 1 + 1 + 3000 + 1);
    expect(points[head.split('\n').length - 1].tags).toEqual([{ key: 'h', value: `${pad}é` }]);
    expect(points[points.length - 1].tags).toEqual([{ key: 'h', value: 'ü' }]);
    expect(lpstudio(['lint', '--no-warnings', f]).out.trim().split('\n').pop()).toBe('1 file: 4822 lines, 4822 points, 0 errors, 0 warnings');
  });

  it('exits 0 with warnings only, and reads .gz files and standard input', () => {
    const text = 'cpu v=1 1700000000\n';
    const gz = file('w.lp.gz', gzipSync(text));
    const r = lpstudio(['lint', gz]);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`${gz}:1:9: warning: timestamp 1700000000 in nanoseconds is 1970-01-01T00:00:01.7Z; it looks like seconds`);
    const s = lpstudio(['lint', '--precision', 's', '-'], text);
    expect(s.code).toBe(0);
    expect(s.out).toBe('1 file: 1 line, 1 point, 0 errors, 0 warnings\n');
  });

  it('follows the dialect and precision flags, and prints JSON', () => {
    const f = file('u.lp', 'cpu v=1u 1700000000000\n');
    expect(lpstudio(['lint', '--precision', 'ms', f]).code).toBe(0);
    const r = lpstudio(['lint', '--dialect', 'influxdb1', '--precision', 'ms', '--format', 'json', f]);
    expect(r.code).toBe(1);
    const [first, summary] = r.out.trim().split('\n').map((l) => JSON.parse(l));
    expect(first).toMatchObject({ file: f, line: 1, column: 7, severity: 'error', code: 'unsigned-unsupported', message: 'invalid number' });
    expect(summary).toEqual({ summary: { files: 1, lines: 1, records: 1, points: 0, errors: 1, warnings: 0 } });
  });

  it('refuses unknown flags and values with usage, exit 2', () => {
    const r = lpstudio(['lint', '--precision', 'weeks', 'x.lp']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('--precision must be one of');
    expect(lpstudio(['lint', '--nope']).err).toContain('unknown option --nope');
    const missing = lpstudio(['lint', path.join(dir, 'missing.lp')]);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('cannot read');
  });

  it('handles a corrupt gzip file as an error, not a crash', () => {
    const gz = gzipSync('cpu v=1 1\n'.repeat(1000));
    const f = file('torn.lp.gz', gz.subarray(0, gz.length - 20));
    const r = lpstudio(['lint', f]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/cannot read .*torn\.lp\.gz/);
  });
});

describe('lpstudio parse', () => {
  it('prints the documented JSON shape for points and errors', () => {
    const r = lpstudio(['parse', '--now', '1700000000123456789', '-'], 'cpu,host=a v=5i,f=1.5,u=3u,s="x y",b=t\ncpu v= 3\nmem x=1\n');
    expect(r.code).toBe(1);
    expect(r.out.trim().split('\n')).toEqual([
      '{"line":1,"point":{"name":"cpu","series":"cpu,host=a","tags":[{"key":"host","value":"a"}],"fields":[{"key":"v","value":{"int":"5"}},{"key":"f","value":{"float":1.5}},{"key":"u","value":{"uint":"3"}},{"key":"s","value":{"string":"x y"}},{"key":"b","value":{"bool":true}}],"time":"1700000000123456789"}}',
      '{"line":2,"column":7,"error":"missing field value","message":"unable to parse \'cpu v= 3\': missing field value"}',
      '{"line":3,"point":{"name":"mem","series":"mem","tags":[],"fields":[{"key":"x","value":{"float":1}}],"time":"1700000000123456789"}}',
    ]);
  });

  it('applies precision, the dialect and CR stripping', () => {
    const out = (args: string[], input: string) => lpstudio(['parse', ...args, '-'], input).out.trim();
    expect(JSON.parse(out(['--precision', 'u'], 'cpu v=1 5\n')).point.time).toBe('5000');
    expect(JSON.parse(out(['--precision', 'h', '--now', '7200000000001'], 'cpu v=1\n')).point.time).toBe('7200000000000');
    expect(JSON.parse(out([], 'cpu v=1 5\r\n')).error).toBe('bad timestamp');
    expect(JSON.parse(out(['--crlf', 'strip'], 'cpu v=1 5\r\n')).point.time).toBe('5');
    expect(JSON.parse(out(['--dialect', 'influxdb1'], 'cpu v=1u\n')).error).toBe('invalid number');
  });
});

describe('a reader that stops early', () => {
  it('ends lpstudio quietly (no EPIPE crash) when the pipe closes: lpstudio parse big.lp | head -1', () => {
    const f = file('many.lp', Array.from({ length: 200_000 }, (_, i) => `cpu,host=h${i % 7} v=${i} ${i}`).join('\n'));
    const r = spawnSync('bash', ['-c', `"${process.execPath}" "${bin}" parse "${f}" | head -1; echo "status \${PIPESTATUS[0]}" >&2`], { encoding: 'utf8', cwd: dir });
    expect(r.stdout).toBe('{"line":1,"point":{"name":"cpu","series":"cpu,host=h0","tags":[{"key":"host","value":"h0"}],"fields":[{"key":"v","value":{"float":0}}],"time":"0"}}\n');
    expect(r.stderr).toBe('status 0\n');
  });
});
