// Checks that match the target: one target profile (dialect, CRLF handling, precisions) judges
// a text for the editor, a file's summary and the inspector; what the target refuses is an
// error, what only another target refuses a warning naming it. And the quick fixes that follow
// the likely intent (a missing comma; the precision a timestamp looks like), offered only when
// the engine shows the fixed line is what the fix's name says.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileJobs, type FileState } from '../../app/files/file-jobs.js';
import { Batcher, type Batch } from '../../app/upload/batcher.js';
import { summarizeFile } from '../../app/files/summary.js';
import { IncrementalValidator } from '../../lineprotocol/incremental.js';
import { parse, validate } from '../../lineprotocol/parse.js';
import { TARGET_PROFILES, targetParseOptions } from '../../lineprotocol/target.js';
import type { Diagnostic } from '../../lineprotocol/types.js';
import { isTextFix, quickFixes, type FixOptions, type QuickFix } from '../../renderer/editor/quickfix.js';

const dir = mkdtempSync(path.join(tmpdir(), 'lpstudio-target-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const put = (name: string, data: string) => {
  const p = path.join(dir, name);
  writeFileSync(p, data);
  return p;
};
const CRLF = 'cpu,host=a v=1 1700000000000000000\r\ncpu,host=b v=2 1700000001000000000\r\n';
const brief = (ds: Diagnostic[]) => ds.map((d) => `${d.line}:${d.column} ${d.severity} ${d.code}`);

describe('target profiles', () => {
  it("this app's endpoint strips CR (as server/http/write.ts does); InfluxDB 1.x, 2.x and Cloud keep it", () => {
    expect(TARGET_PROFILES.endpoint).toMatchObject({ crlf: 'strip', dialect: 'influxdb2' });
    expect(TARGET_PROFILES.influxdb2).toMatchObject({ crlf: 'keep', dialect: 'influxdb2', precisions: ['ns', 'us', 'ms', 's'] });
    expect(TARGET_PROFILES.influxdb1).toMatchObject({ crlf: 'keep', dialect: 'influxdb1' });
    expect(TARGET_PROFILES.cloud).toMatchObject({ crlf: 'keep' });
  });

  it('CRLF to the endpoint: points counted, no error, a warning naming InfluxDB 2.x per refused line', () => {
    const r = parse(CRLF, targetParseOptions('endpoint', 'ns'));
    expect(r.stats).toMatchObject({ points: 2, errors: 0, warnings: 2 });
    expect(brief(r.diagnostics)).toEqual(['1:35 warning crlf', '2:35 warning crlf']);
    expect(r.diagnostics[0].message).toContain('accepted here, refused by InfluxDB 2.x');
    expect(r.diagnostics[0].message).toContain('which keep the \\r as part of the last value (bad timestamp)');
    expect(r.points.map((p) => p.fields[0])).toEqual([
      { key: 'v', type: 'float', value: 1 },
      { key: 'v', type: 'float', value: 2 },
    ]);
  });

  it('CRLF to InfluxDB 2.x, 1.x or Cloud: an error on each line', () => {
    for (const kind of ['influxdb2', 'influxdb1', 'cloud'] as const) {
      const r = parse(CRLF, targetParseOptions(kind, 'ns'));
      expect(r.stats, kind).toMatchObject({ points: 0, errors: 2 });
    }
  });

  it('a line ending in a string: accepted by InfluxDB too, but stored differently there; a comment: nothing', () => {
    const r = parse('cpu s="x"\r\n# note\r\n', targetParseOptions('endpoint', 'ns'));
    expect(brief(r.diagnostics)).toEqual(['1:10 warning crlf']);
    expect(r.diagnostics[0].message).toContain('InfluxDB 2.x and 1.x accept it but keep the \\r in the last string, so they would store a different value');
    expect(r.points[0].fields[0]).toEqual({ key: 's', type: 'string', value: 'x' });
    const v2 = parse('cpu s="x"\r\n', targetParseOptions('influxdb2', 'ns'));
    expect(v2.stats.errors).toBe(0);
    expect(v2.points[0].fields[0].value).not.toBe('x');
  });

  it('for InfluxDB the error says the \\r is the cause', () => {
    const r = parse(CRLF, targetParseOptions('influxdb2', 'ns'));
    expect(r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message)).toEqual([
      'bad timestamp: the line ends with \\r (CRLF), which InfluxDB keeps as part of the last value',
      'bad timestamp: the line ends with \\r (CRLF), which InfluxDB keeps as part of the last value',
    ]);
    // InfluxDB's own text is untouched.
    expect(r.errors[0].message).toBe("unable to parse 'cpu,host=a v=1 1700000000000000000\r': bad timestamp");
  });

  it("the editor's incremental validator takes the same profile", () => {
    const v = new IncrementalValidator(targetParseOptions('endpoint', 'ns'));
    v.setText(CRLF);
    expect(v.stats()).toMatchObject({ points: 2, errors: 0, warnings: 2 });
    const w = new IncrementalValidator(targetParseOptions('influxdb2', 'ns'));
    w.setText(CRLF);
    expect(w.stats()).toMatchObject({ points: 0, errors: 2 });
  });
});

const apply = (line: string, f: QuickFix) => (isTextFix(f) ? line.slice(0, f.from) + f.insert + line.slice(f.to) : line);
const fixesOf = (line: string, opts: FixOptions = { target: 'endpoint', precision: 'ns' }) => {
  const ds = validate(line, targetParseOptions(opts.target, opts.precision ?? 'ns')).diagnostics;
  return ds.flatMap((d) => quickFixes(d, line, opts));
};

describe('quick fixes that follow the intent', () => {
  it('a missing comma: "Insert a comma" first, then "Escape the space"', () => {
    const line = 'disk host=a free=1';
    const fixes = fixesOf(line);
    expect(fixes.map((f) => f.name)).toEqual(['Insert a comma: make host=a a tag', 'Escape the space']);
    const fixed = apply(line, fixes[0]);
    expect(fixed).toBe('disk,host=a free=1');
    expect(validate(fixed).diagnostics).toEqual([]);
    expect(parse(fixed).points[0].tags).toEqual([{ key: 'host', value: 'a' }]);
  });

  it('after a tag set, and for several pairs', () => {
    expect(fixesOf('disk,dc=x host=a,rack=2 free=1 5').map((f) => [f.name, apply('disk,dc=x host=a,rack=2 free=1 5', f)])[0]).toEqual([
      'Insert a comma: make host=a,rack=2 tags',
      'disk,dc=x,host=a,rack=2 free=1 5',
    ]);
  });

  it('no comma where the fixed line would not parse into those tags', () => {
    for (const line of ['my cpu,host=a v=1 1', 'cpu v=hello,x=1i 5', 'cpu,host=my host usage=1 1']) {
      expect(fixesOf(line).map((f) => f.name), line).not.toContain(expect.stringMatching(/comma/));
    }
  });

  it('"looks like milliseconds" offers "Set precision to ms", checked with that precision', () => {
    const line = 'cpu v=1 1700000000000';
    const fixes = fixesOf(line);
    expect(fixes).toEqual([{ name: 'Set precision to ms', setPrecision: 'ms' }]);
    expect(validate(line, targetParseOptions('endpoint', 'ms')).diagnostics).toEqual([]);
    // Out of range under s, yet plausible as ms: the warning beside the error gets the same fix.
    expect(fixesOf('cpu v=1 1700000000000000000', { target: 'endpoint', precision: 'h' }).map((f) => f.name)).toContain('Set precision to ns');
  });

  it('no precision fix a target does not take (2.x has no minutes), nor where the text is the problem', () => {
    const minutes = 'cpu v=1 28333333';
    expect(fixesOf(minutes, { target: 'endpoint', precision: 'ns' }).map((f) => f.name)).toEqual(['Set precision to m']);
    expect(fixesOf(minutes, { target: 'influxdb2', precision: 'ns' })).toEqual([]);
  });
});

describe("a file's summary by the upload's target", () => {
  it('a CRLF file to the endpoint: points counted, no errors, warnings naming 2.x; to 2.x: errors', async () => {
    const file = put('crlf.lp', Array.from({ length: 5 }, (_, i) => `cpu v=${i} ${1700000000000000000 + i * 1e9}\r\n`).join(''));
    const here = await summarizeFile(file, { target: 'endpoint', precision: 'ns' });
    expect(here).toMatchObject({ points: 5, errors: 0, warnings: 5 });
    expect(here.groups).toEqual([expect.objectContaining({ severity: 'warning', code: 'crlf', count: 5, firstLine: 1 })]);
    expect(here.groups[0].message).toContain('refused by InfluxDB 2.x');
    const v2 = await summarizeFile(file, { target: 'influxdb2', precision: 'ns' });
    expect(v2).toMatchObject({ points: 0, errors: 5 });
  });

  it('groups the precision warnings with the unit they look like; summarized again with it they are gone', async () => {
    const file = put('ms.lp', Array.from({ length: 5 }, (_, i) => `temp v=${i} ${1700000000000 + i * 1000}`).join('\n') + '\n');
    const jobs = new FileJobs(path.join(dir, 'stage'));
    const done = async (s: FileState) => {
      while (s.stage === 'summarizing') {
        await new Promise((r) => setTimeout(r, 10));
        s = jobs.status(s.fileId);
      }
      return s;
    };
    const first = await done(jobs.openPath(file, 'ms.lp', { target: 'endpoint', precision: 'ns' }));
    expect(first.summary).toMatchObject({ points: 5, warnings: 5 });
    expect(first.summary!.groups).toEqual([expect.objectContaining({ code: 'precision-mismatch', count: 5, precision: 'ms' })]);
    const again = await done(jobs.summarize(first.fileId, { target: 'endpoint', precision: 'ms' }));
    expect(again.summary).toMatchObject({ points: 5, warnings: 0, errors: 0, groups: [], minTime: '1700000000000000000', maxTime: '1700000004000000000' });
    jobs.close();
  });
});

describe('skipping invalid lines of an upload by the target', () => {
  const skipped = (crlf: 'keep' | 'strip') => {
    const batches: Batch[] = [];
    const b = new Batcher({ skipInvalid: true, crlf }, (x) => batches.push(x));
    b.push(CRLF + 'lf v=3 1700000002000000000\n');
    b.end();
    return { skipped: b.skippedCount, lines: batches.reduce((n, x) => n + x.lines, 0) };
  };
  it('InfluxDB keeps the CR: CRLF lines are left out; this endpoint strips it: all are sent', () => {
    expect(skipped('keep')).toEqual({ skipped: 2, lines: 1 });
    expect(skipped('strip')).toEqual({ skipped: 0, lines: 3 });
  });
});
