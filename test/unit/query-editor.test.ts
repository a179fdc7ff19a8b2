// The Query tab's pure helpers: tokens for highlighting (the InfluxQL scanner's), the parser's
// error as a diagnostic at its character, the Points view's InfluxQL, a query's chart columns.
import { describe, expect, it } from 'vitest';
import { syntaxDiagnostics, tokenClass, tokens } from '../../renderer/query/influxql-editor.js';
import { pointsQuery, seriesTags } from '../../renderer/query/points-query.js';
import { queryChartData, timeGroupedStatements } from '../../renderer/query/query-results.js';

const classes = (q: string) => {
  const t = tokens(q);
  return t.map((s, i) => [q.slice(s.from, s.to).trimEnd(), tokenClass(s, t[i + 1])]);
};

describe('InfluxQL editor', () => {
  it('classes tokens as the scanner reads them: a / after an operand divides, else starts a regex', () => {
    expect(classes(`SELECT mean("v") / 2 FROM /c.*/ WHERE h =~ /a\\/b/ AND time > now() - 1h -- c`)).toEqual([
      ['SELECT', 'keyword'],
      ['mean', 'function'],
      ['(', 'operator'],
      ['"v"', 'identifier'],
      [')', 'operator'],
      ['/', 'operator'],
      ['2', 'number'],
      ['FROM', 'keyword'],
      ['/c.*/', 'regex'],
      ['WHERE', 'keyword'],
      ['h', 'identifier'],
      ['=~', 'operator'],
      ['/a\\/b/', 'regex'],
      ['AND', 'keyword'],
      ['time', 'identifier'],
      ['>', 'operator'],
      ['now', 'function'],
      ['(', 'operator'],
      [')', 'operator'],
      ['-', 'operator'],
      ['1h', 'duration'],
      ['-- c', 'comment'],
    ]);
    // The scanner places a string at the character before its quote (InfluxDB's error positions): painted from the quote.
    expect(classes(`SELECT * FROM m WHERE a='x y'`).slice(-3)).toEqual([
      ['a', 'identifier'],
      ['=', 'operator'],
      ["'x y'", 'string'],
    ]);
  });

  it('marks the parser error at its character (code points, several lines)', () => {
    expect(syntaxDiagnostics('SELECT mean(usage) FROM FROM cpu')).toEqual([{ from: 24, to: 28, severity: 'error', message: 'found FROM, expected identifier at line 1, char 25', source: 'InfluxQL' }]);
    const q = `SELECT "é😀" FROM m\nWHERE x = 1 GROUP`;
    const [d] = syntaxDiagnostics(q);
    expect(d.message).toBe('found EOF, expected BY at line 2, char 19');
    expect(d.from).toBe(q.length);
    expect(syntaxDiagnostics('SELECT "😀" FRM m')[0]).toMatchObject({ from: 12, to: 15, message: 'found FRM, expected FROM at line 1, char 12' });
    expect(syntaxDiagnostics('SHOW MEASUREMENTS')).toEqual([]);
  });
});

describe('Points view InfluxQL', () => {
  it('names the series tags (line-protocol escapes undone) and the range', () => {
    expect(seriesTags('m\\,x,a\\ b=c\\=d,e=f')).toEqual([
      ['a b', 'c=d'],
      ['e', 'f'],
    ]);
    expect(pointsQuery({ measurement: 'we"ird', series: "m,host=it's", start: '1700000000000000001', stop: '1700000001000000000', limit: 200 })).toBe(
      `SELECT * FROM "we\\"ird" WHERE "host" = 'it\\'s' AND time >= '2023-11-14T22:13:20.000000001Z' AND time < '2023-11-14T22:13:21.000000000Z' ORDER BY time DESC LIMIT 200`,
    );
  });
});

describe('query chart', () => {
  it('charts the statements grouped by time(), one line per series and numeric column', () => {
    expect([...timeGroupedStatements('SHOW MEASUREMENTS; SELECT mean(v) FROM m GROUP BY time(1m); SELECT v FROM m GROUP BY host')]).toEqual([1]);
    const c = queryChartData([
      { name: 'm', tags: { host: 'a' }, columns: ['time', 'mean', 'note'], values: [['2023-11-14T22:14:00Z', 1, 'x'], ['2023-11-14T22:15:00Z', null, 'y']] },
      { name: 'm', tags: { host: 'b' }, columns: ['time', 'mean'], values: [['2023-11-14T22:15:00Z', 2]] },
    ]);
    expect(c.labels).toEqual(['m,host=a mean', 'm,host=b mean']);
    expect(c.times).toEqual([1_700_000_040_000_000_000n, 1_700_000_100_000_000_000n]);
    expect(c.data.slice(1)).toEqual([
      [1, null],
      [null, 2],
    ]);
  });
});
