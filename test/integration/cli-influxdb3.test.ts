// `lpstudio lint/parse --dialect influxdb3`: InfluxDB 3's parser and schema rules as errors with
// its own texts, warnings where 3.x only differs from 2.x, precision auto by default.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/shared.js';

const dir = mkdtempSync(path.join(tmpdir(), 'lpstudio-cli-v3-'));
const bin = path.join(repoRoot, 'bin', 'lpstudio.js');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function lpstudio(args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd: dir });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const f = path.join(dir, 'v3.lp');
writeFileSync(
  f,
  [
    'cpu,host=a v=1 1700000000', // s under auto
    '',
    'cpu,host=a v="x" 1700000001', // the column keeps its first type
    'cpu\tv=1', // a tab is no separator in 3.x (2.x reads it as one)
    'cpu v=1,v=2', // a repeated field
    'm,t=a=b v=1 1700000000123', // 2.x refuses `=` in a tag value; ms under auto
    'm v=1 ', // trailing space without timestamp
    'x,k=a k=1 1700000002', // tag and field share a name
  ].join('\n') + '\n',
);

describe('lpstudio lint --dialect influxdb3', () => {
  it("reports 3.x's errors with its texts and the line_number it would give, and 3.x-only differences as warnings", () => {
    const r = lpstudio(['lint', '--dialect', 'influxdb3', '--format', 'json', f]);
    expect(r.code).toBe(1);
    const rows = r.out.trim().split('\n').map((l) => JSON.parse(l) as { line?: number; severity?: string; code?: string; message?: string; summary?: unknown });
    expect(rows.filter((x) => x.severity !== undefined).map((x) => [x.line, x.severity, x.code, x.message])).toEqual([
      [3, 'error', 'influxdb3-schema', "invalid column type for column 'v', expected iox::column_type::field::float, got iox::column_type::field::string (InfluxDB 3 reports it as line_number 2: it numbers records, without blank and comment lines)"],
      [4, 'error', 'influxdb3-syntax', 'Expected at least one space character, got `\tv=1` (InfluxDB 3 reports it as line_number 3: it numbers records, without blank and comment lines)'],
      [5, 'error', 'influxdb3-schema', "invalid line protocol - multiple instances of 'v' field found (InfluxDB 3 reports it as line_number 4: it numbers records, without blank and comment lines)"],
      [6, 'warning', 'influxdb2-refuses', 'InfluxDB 3 accepts this line; InfluxDB 2.x and 1.x refuse it (invalid tag format)'],
      [6, 'warning', 'auto-precision-mixed', 'precision auto reads timestamp 1700000000123 as milliseconds; earlier lines were read as seconds'],
      [7, 'error', 'influxdb3-syntax', 'Could not parse entire line. Found trailing content: ` ` (InfluxDB 3 reports it as line_number 6: it numbers records, without blank and comment lines)'],
      [8, 'error', 'influxdb3-schema', "invalid column type for column 'k', expected iox::column_type::tag, got iox::column_type::field::float (InfluxDB 3 reports it as line_number 7: it numbers records, without blank and comment lines)"],
    ]);
    expect(rows.at(-1)).toEqual({ summary: { files: 1, lines: 8, records: 7, points: 2, errors: 5, warnings: 2 } });
  });

  it('a fixed precision: m and h do not exist in 3.x; a timestamp in another unit is a precision-mismatch warning', () => {
    expect(lpstudio(['lint', '--dialect', 'influxdb3', '--precision', 'h', f]).code).toBe(2);
    const g = path.join(dir, 's.lp');
    writeFileSync(g, 'cpu v=1 1700000000\n');
    const r = lpstudio(['lint', '--dialect', 'influxdb3', '--precision', 'ms', '--format', 'json', g]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out.split('\n')[0])).toMatchObject({ line: 1, severity: 'warning', code: 'precision-mismatch', precision: 's' });
    // Milliseconds read as seconds overflow 64-bit nanoseconds: 3.x's error.
    const h = path.join(dir, 'ms.lp');
    writeFileSync(h, 'cpu v=1 1700000000123\n');
    const o = lpstudio(['lint', '--dialect', 'influxdb3', '--precision', 's', '--format', 'json', h]);
    expect(o.code).toBe(1);
    expect(JSON.parse(o.out.split('\n')[0])).toMatchObject({ line: 1, severity: 'error', code: 'time-out-of-range', message: 'timestamp, 1700000000123, out of range for precision: Second' });
  });
});

describe('lpstudio parse --dialect influxdb3', () => {
  it('prints the points 3.x stores (auto precision to ns) and its errors', () => {
    const r = lpstudio(['parse', '--dialect', 'influxdb3', f]);
    expect(r.code).toBe(1);
    const rows = r.out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows[0]).toEqual({ line: 1, point: { name: 'cpu', series: 'cpu,host=a', tags: [{ key: 'host', value: 'a' }], fields: [{ key: 'v', value: { float: 1 } }], time: '1700000000000000000' } });
    expect(rows[4]).toEqual({ line: 6, point: { name: 'm', series: 'm,t=a\\=b', tags: [{ key: 't', value: 'a=b' }], fields: [{ key: 'v', value: { float: 1 } }], time: '1700000000123000000' } });
    expect(rows.filter((x) => 'error' in x).map((x) => x.line)).toEqual([3, 4, 5, 7, 8]);
  });
});
