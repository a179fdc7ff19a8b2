// The InfluxQL parser: the syntax tree of the statements the endpoint runs, and parse errors
// worded and placed exactly as InfluxDB 1.6.7 words them (the expected texts were taken from a
// running influxd 1.6.7 answering each query; its HTTP handler trims the query first).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InfluxQLParseError, parseDuration, parseQuery, quoteIdent } from '../../influxql/index.js';
import { repoRoot } from '../support/shared.js';

const ORACLE_ERRORS: [string, string][] = 
[
 [
  "SHOW FOO",
  "found FOO, expected CONTINUOUS, DATABASES, DIAGNOSTICS, FIELD, GRANTS, MEASUREMENT, MEASUREMENTS, QUERIES, RETENTION, SERIES, SHARD, SHARDS, STATS, SUBSCRIPTIONS, TAG, USERS at line 1, char 6"
 ],
 [
  "FOO",
  "found FOO, expected SELECT, DELETE, SHOW, CREATE, DROP, EXPLAIN, GRANT, REVOKE, ALTER, SET, KILL at line 1, char 1"
 ],
 [
  "SELECT",
  "found EOF, expected identifier, string, number, bool at line 1, char 8"
 ],
 [
  "SELECT a FROM",
  "found EOF, expected identifier at line 1, char 15"
 ],
 [
  "SELECT a FROM b WHERE",
  "found EOF, expected identifier, string, number, bool at line 1, char 23"
 ],
 [
  "SHOW TAG VALUES FROM m",
  "found EOF, expected WITH at line 1, char 24"
 ],
 [
  "select a from b limit -1",
  "found -, expected integer at line 1, char 23"
 ],
 [
  "SELECT a b FROM c",
  "found b, expected FROM at line 1, char 10"
 ],
 [
  "SHOW MEASUREMENTS WITH MEASUREMENT > x",
  "found >, expected =, =~ at line 1, char 36"
 ],
 [
  "SHOW TAG FOO",
  "found FOO, expected KEY, KEYS, VALUES at line 1, char 10"
 ],
 [
  "SHOW FIELD FOO",
  "found FOO, expected KEY, KEYS at line 1, char 12"
 ],
 [
  "SHOW RETENTION FOO",
  "found FOO, expected POLICIES at line 1, char 16"
 ],
 [
  "SHOW MEASUREMENT FOO",
  "found FOO, expected EXACT, CARDINALITY at line 1, char 18"
 ],
 [
  "DROP FOO",
  "found FOO, expected CONTINUOUS, DATABASE, MEASUREMENT, RETENTION, SERIES, SHARD, SUBSCRIPTION, USER at line 1, char 6"
 ],
 [
  "SELECT a FROM b GROUP",
  "found EOF, expected BY at line 1, char 23"
 ],
 [
  "SELECT a FROM b ORDER BY x",
  "only ORDER BY time supported at this time"
 ],
 [
  "SELECT a FROM b fill(foo)",
  "expected number argument in fill()"
 ],
 [
  "SELECT a FROM b tz('Foo/Bar')",
  "unable to find time zone Foo/Bar"
 ],
 [
  "SELECT a::foo FROM b",
  "found foo, expected float, integer, unsigned, string, boolean, field, tag at line 1, char 11"
 ],
 [
  "SELECT 'abc FROM b",
  "found abc FROM b, expected identifier, string, number, bool at line 1, char 7"
 ],
 [
  "SELECT a FROM b WHERE a =~ 'x'",
  "found x, expected regex at line 1, char 27"
 ],
 [
  "SELECT mean(a) FROM b GROUP BY time(1x)",
  "invalid duration"
 ],
 [
  "SELECT a FROM b; SELECT",
  "found EOF, expected identifier, string, number, bool at line 1, char 25"
 ],
 [
  "SELECT a FROM b SELECT",
  "found SELECT, expected ; at line 1, char 17"
 ],
 [
  "SELECT a = 1 FROM b",
  "invalid operator = in SELECT clause at line 1, char 8; operator is intended for WHERE clause"
 ],
 [
  "SELECT a FROM a.b.c.d",
  "too many segments in \"a\".\"b\".\"c\".d at line 1, char 1"
 ],
 [
  "SELECT a FROM \"a\\q\"",
  "found \\q, expected identifier at line 1, char 18"
 ],
 [
  "SELECT $x FROM b",
  "missing parameter: x"
 ],
 [
  "CREATE FOO",
  "found FOO, expected CONTINUOUS, DATABASE, USER, RETENTION, SUBSCRIPTION at line 1, char 8"
 ],
 [
  "ALTER FOO",
  "found FOO, expected RETENTION at line 1, char 7"
 ],
 [
  "SHOW SHARD FOO",
  "found FOO, expected GROUPS at line 1, char 12"
 ],
 [
  "GRANT FOO",
  "found FOO, expected READ, WRITE, ALL [PRIVILEGES] at line 1, char 7"
 ],
 [
  "DELETE FOO",
  "found FOO, expected FROM, WHERE at line 1, char 8"
 ],
 [
  "SHOW SERIES FOO",
  "found FOO, expected ; at line 1, char 13"
 ],
 [
  "SHOW TAG KEY FOO",
  "found FOO, expected EXACT, CARDINALITY at line 1, char 14"
 ],
 [
  "SHOW DATABASES FOO",
  "found FOO, expected ; at line 1, char 16"
 ],
 [
  "SELECT a FROM b LIMIT",
  "found EOF, expected integer at line 1, char 23"
 ],
 [
  "SELECT a FROM b LIMIT 1 OFFSET",
  "found EOF, expected integer at line 1, char 32"
 ],
 [
  "SELECT a FROM b WHERE x = 1 AND",
  "found EOF, expected identifier, string, number, bool at line 1, char 33"
 ],
 [
  "SELECT a FROM b WHERE (x = 1",
  "found EOF, expected ) at line 1, char 29"
 ],
 [
  "SELECT count(a) FROM b GROUP BY",
  "found EOF, expected identifier, string, number, bool at line 1, char 33"
 ],
 [
  "SELECT count(a) FROM b GROUP BY time(1m),",
  "found EOF, expected identifier, string, number, bool at line 1, char 43"
 ],
 [
  "SELECT a FROM \"b\" WHERE",
  "found EOF, expected identifier, string, number, bool at line 1, char 25"
 ],
 [
  "SELECT a FROM /b/ WHERE",
  "found EOF, expected identifier, string, number, bool at line 1, char 25"
 ],
 [
  "SELECT a FROM b WHERE x =~ /a/ AND",
  "found EOF, expected identifier, string, number, bool at line 1, char 36"
 ],
 [
  "SELECT a FROM b WHERE x = 1h AND",
  "found EOF, expected identifier, string, number, bool at line 1, char 34"
 ],
 [
  "SELECT a FROM b WHERE x = 1.5 AND",
  "found EOF, expected identifier, string, number, bool at line 1, char 35"
 ],
 [
  "SELECT a FROM b WHERE x = 1 AND y =",
  "found EOF, expected identifier, string, number, bool at line 1, char 36"
 ],
 [
  "SELECT a FROM b WHERE x = 1 AND y = 2 OR (",
  "found EOF, expected identifier, string, number, bool at line 1, char 43"
 ],
 [
  "SELECT a FROM b WHERE x = 1 AND y = 2 OR (",
  "found EOF, expected identifier, string, number, bool at line 1, char 43"
 ],
 [
  "SHOW TAG VALUES WITH KEY IN (a",
  "found EOF, expected ) at line 1, char 32"
 ],
 [
  "SELECT a FROM b WHERE x = 1 AND y = 2 OR /",
  "found /, expected identifier, string, number, bool at line 1, char 42"
 ],
 [
  "SELECT a, FROM b",
  "found FROM, expected identifier, string, number, bool at line 1, char 11"
 ],
 [
  "SELECT a FROM b,",
  "found EOF, expected identifier at line 1, char 18"
 ],
 [
  "SELECT count( FROM b",
  "found FROM, expected identifier, string, number, bool at line 1, char 15"
 ],
 [
  "SELECT count(a FROM b",
  "found FROM, expected ) at line 1, char 16"
 ],
 [
  "SELECT * FROM b WHERE time > now() -",
  "found EOF, expected identifier, string, number, bool at line 1, char 37"
 ],
 [
  "SELECT a FROM b WHERE a =~ /abc",
  "bad regex:  at line 1, char 27"
 ],
 [
  "SELECT a FROM b GROUP BY time(10s) fill(",
  "found EOF, expected identifier, string, number, bool at line 1, char 42"
 ],
 [
  "SELECT a FROM b GROUP BY time(10s) fill(1, 2)",
  "fill requires an argument, e.g.: 0, null, none, previous, linear"
 ],
 [
  "SELECT a FROM b SLIMIT x",
  "found x, expected integer at line 1, char 24"
 ],
 [
  "SELECT a FROM b ORDER BY time DESC, x",
  "only ORDER BY time supported at this time"
 ],
 [
  "SELECT a FROM b ORDER time",
  "found time, expected BY at line 1, char 23"
 ],
 [
  "SELECT distinct FROM b",
  "found FROM, expected identifier at line 1, char 17"
 ],
 [
  "SELECT a::tag::field FROM b",
  "found ::, expected FROM at line 1, char 14"
 ],
 [
  "SELECT *::foo FROM b",
  "found foo, expected field, tag at line 1, char 11"
 ],
 [
  "SELECT a AS FROM b",
  "found FROM, expected identifier at line 1, char 13"
 ],
 [
  "SHOW TAG VALUES WITH KEY",
  "found EOF, expected IN, =, =~ at line 1, char 26"
 ],
 [
  "SHOW TAG VALUES WITH KEY =",
  "found EOF, expected identifier at line 1, char 27"
 ],
 [
  "SHOW TAG VALUES WITH KEY > a",
  "found >, expected IN, =, =~ at line 1, char 26"
 ],
 [
  "SHOW TAG VALUES WITH KEY =~ 'a'",
  "found a, expected regex at line 1, char 28"
 ],
 [
  "SHOW RETENTION POLICIES ON",
  "found EOF, expected identifier at line 1, char 28"
 ],
 [
  "SHOW MEASUREMENTS ON",
  "found EOF, expected identifier at line 1, char 22"
 ],
 [
  "SELECT a FROM b WHERE time > 1x",
  "invalid duration"
 ],
 [
  "SELECT 99999999999999999999999 FROM b",
  "unable to parse integer at line 1, char 8"
 ],
 [
  "SELECT a FROM b WHERE ! a",
  "found !, expected identifier, string, number, bool at line 1, char 23"
 ],
 [
  "SELECT a FROM b WHERE a = -'x'",
  "found x, expected identifier, number, duration, ( at line 1, char 27"
 ],
 [
  "SELECT a FROM b tz(1)",
  "expected string argument in tz()"
 ],
 [
  "SELECT \"a FROM b",
  "found a FROM b, expected identifier, string, number, bool at line 1, char 7"
 ],
 [
  "SELECT a FROM b WHERE c = 'x",
  "found x, expected identifier, string, number, bool at line 1, char 26"
 ],
 [
  "SELECT a; SELECT b",
  "found ;, expected FROM at line 1, char 9"
 ],
 [
  "SHOW SERIES ON",
  "found EOF, expected identifier at line 1, char 16"
 ]
]
;

describe('parse errors as InfluxDB 1.6.7 words them', () => {
  it.each(ORACLE_ERRORS)('%s', (q, message) => {
    let err: unknown;
    try {
      parseQuery(q);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InfluxQLParseError);
    expect((err as Error).message).toBe(message);
  });
});

describe('syntax tree', () => {
  it('a Grafana panel query', () => {
    const [s] = parseQuery(
      `SELECT mean("value") AS "m" FROM "db"."autogen"."cpu" WHERE ("host"::tag =~ /^a$/) AND time >= 1700000000000ms and time <= 1700000600000ms GROUP BY time(10s, 5s), "host" fill(linear) ORDER BY time DESC LIMIT 5 SLIMIT 2 tz('Europe/Paris')`,
    ).statements;
    expect(s).toMatchObject({
      kind: 'select',
      fields: [{ expr: { kind: 'call', name: 'mean', args: [{ kind: 'varref', name: 'value' }] }, alias: 'm' }],
      sources: [{ kind: 'measurement', database: 'db', retentionPolicy: 'autogen', name: 'cpu' }],
      dimensions: [
        { kind: 'call', name: 'time', args: [{ kind: 'duration', ns: 10_000_000_000n }, { kind: 'duration', ns: 5_000_000_000n }] },
        { kind: 'varref', name: 'host' },
      ],
      fill: { kind: 'linear' },
      descending: true,
      limit: 5,
      slimit: 2,
      location: 'Europe/Paris',
    });
    // AND binds tighter than OR, comparisons tighter than AND; the regex keeps its source.
    expect(s.kind === 'select' && s.condition).toEqual({
      kind: 'binary',
      op: 'AND',
      lhs: {
        kind: 'binary',
        op: 'AND',
        lhs: { kind: 'paren', expr: { kind: 'binary', op: '=~', lhs: { kind: 'varref', name: 'host', type: 'tag' }, rhs: { kind: 'regex', source: '^a$' } } },
        rhs: { kind: 'binary', op: '>=', lhs: { kind: 'varref', name: 'time' }, rhs: { kind: 'duration', ns: 1_700_000_000_000_000_000n } },
      },
      rhs: { kind: 'binary', op: '<=', lhs: { kind: 'varref', name: 'time' }, rhs: { kind: 'duration', ns: 1_700_000_600_000_000_000n } },
    });
  });

  it('arithmetic precedence, unary minus, literals', () => {
    const [s] = parseQuery(`SELECT a + b * 2 - -c, 1.5, -3, 'x', true FROM m`).statements;
    expect(s.kind === 'select' && s.fields.map((f) => f.expr)).toEqual([
      {
        kind: 'binary',
        op: '-',
        lhs: { kind: 'binary', op: '+', lhs: { kind: 'varref', name: 'a' }, rhs: { kind: 'binary', op: '*', lhs: { kind: 'varref', name: 'b' }, rhs: { kind: 'integer', value: 2n } } },
        rhs: { kind: 'binary', op: '*', lhs: { kind: 'integer', value: -1n }, rhs: { kind: 'varref', name: 'c' } },
      },
      { kind: 'number', value: 1.5 },
      { kind: 'integer', value: -3n },
      { kind: 'string', value: 'x' },
      { kind: 'boolean', value: true },
    ]);
  });

  it('sources: db.rp.m, db..m, rp.m, regexes, several', () => {
    const [s] = parseQuery(`SELECT * FROM "d".."m1", rp.m2, /^c/, "d"."r"./x/, "a.b"`).statements;
    expect(s.kind === 'select' && s.sources).toEqual([
      { kind: 'measurement', database: 'd', retentionPolicy: '', name: 'm1' },
      { kind: 'measurement', database: '', retentionPolicy: 'rp', name: 'm2' },
      { kind: 'measurement', database: '', retentionPolicy: '', regex: '^c' },
      { kind: 'measurement', database: 'd', retentionPolicy: 'r', regex: 'x' },
      { kind: 'measurement', database: '', retentionPolicy: '', name: 'a.b' },
    ]);
  });

  it('the SHOW statements', () => {
    const q = parseQuery(
      `SHOW DATABASES; SHOW RETENTION POLICIES ON "db"; SHOW MEASUREMENTS WITH MEASUREMENT =~ /(?i)cp/ WHERE "host" = 'a' LIMIT 100; SHOW TAG KEYS FROM "rp"."m"; ` +
        `SHOW TAG VALUES FROM "m" WITH KEY IN ("k1","k2"); SHOW TAG VALUES WITH KEY =~ /h/; SHOW FIELD KEYS FROM m; SHOW SERIES FROM m WHERE a = 'b' LIMIT 2 OFFSET 1; DROP DATABASE x`,
    );
    expect(q.statements).toMatchObject([
      { kind: 'show databases' },
      { kind: 'show retention policies', database: 'db' },
      { kind: 'show measurements', source: { regex: '(?i)cp' }, condition: { kind: 'binary', op: '=' }, limit: 100 },
      { kind: 'show tag keys', sources: [{ retentionPolicy: 'rp', name: 'm' }] },
      { kind: 'show tag values', sources: [{ name: 'm' }], key: { op: 'IN', keys: ['k1', 'k2'] } },
      { kind: 'show tag values', sources: [], key: { op: '=~', regex: 'h' } },
      { kind: 'show field keys', sources: [{ name: 'm' }] },
      { kind: 'show series', limit: 2, offset: 1 },
      { kind: 'unsupported', what: 'DROP DATABASE' },
    ]);
  });

  it('comments, escapes, keywords as quoted identifiers, statement separators', () => {
    const q = parseQuery(`-- a comment\nSELECT "name", 'it\\'s' /* inline */ FROM "select";;`);
    expect(q.statements).toMatchObject([{ kind: 'select', fields: [{ expr: { kind: 'varref', name: 'name' } }, { expr: { kind: 'string', value: "it's" } }], sources: [{ name: 'select' }] }]);
  });

  it('durations and identifier quoting as InfluxDB', () => {
    expect(parseDuration('1h30m')).toBe(5_400_000_000_000n);
    expect(parseDuration('2w')).toBe(1_209_600_000_000_000n);
    expect(parseDuration('10u')).toBe(10_000n);
    expect(parseDuration('1x')).toBe('invalid duration');
    expect(quoteIdent('db', '', 'm')).toBe('"db"..m');
    expect(quoteIdent('a', 'b c')).toBe('"a"."b c"');
  });
});

describe('the influxql/ room imports nothing from outside it', () => {
  it('every import is a sibling module', () => {
    const dir = path.join(repoRoot, 'influxql');
    const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));
    expect(files).toContain('parser.ts');
    for (const f of files) {
      for (const m of readFileSync(path.join(dir, f), 'utf8').matchAll(/\bfrom\s+'([^']+)'/g)) expect(m[1], `${f} imports ${m[1]}`).toMatch(/^\.\/[a-z-]+\.js$/);
    }
  });
});
