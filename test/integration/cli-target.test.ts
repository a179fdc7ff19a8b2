// `lpstudio lint --target`: the same target profiles as the app (lineprotocol/target.ts), so a
// CRLF file checks clean (with warnings naming InfluxDB 2.x) for this app's endpoint and fails
// for InfluxDB 2.x.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/shared.js';

const dir = mkdtempSync(path.join(tmpdir(), 'lpstudio-cli-target-'));
const bin = path.join(repoRoot, 'bin', 'lpstudio.js');
const lpstudio = (args: string[]) => {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd: dir });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

describe('lpstudio lint --target', () => {
  const f = path.join(dir, 'crlf.lp');
  writeFileSync(f, 'cpu v=1 1700000000000000000\r\ncpu v=2 1700000001000000000\r\n');

  it('endpoint: exit 0, two warnings naming InfluxDB 2.x; influxdb2: exit 1, two errors', () => {
    const here = lpstudio(['lint', '--target', 'endpoint', f]);
    expect(here.code).toBe(0);
    expect(here.out).toContain(`${f}:1:28: warning: line ends with CRLF (Windows line ending): accepted here, refused by InfluxDB 2.x and 1.x`);
    expect(here.out).toContain('2 points, 0 errors, 2 warnings');
    const v2 = lpstudio(['lint', '--target', 'influxdb2', f]);
    expect(v2.code).toBe(1);
    expect(v2.out).toContain('0 points, 2 errors');
  });

  it('refuses --target with --dialect, and an unknown target', () => {
    expect(lpstudio(['lint', '--target', 'endpoint', '--dialect', 'influxdb1', f])).toMatchObject({ code: 2, err: expect.stringContaining('give --target or --dialect, not both') });
    expect(lpstudio(['lint', '--target', 'mars', f]).err).toContain('--target must be one of endpoint, influxdb1, influxdb2, cloud');
  });
});
