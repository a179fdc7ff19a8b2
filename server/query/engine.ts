// Runs the statements of one /query request, each on its own: a statement's error is its
// result's `error` and the next statement still runs, as InfluxDB does.
import type { Statement } from '../../influxql/index.js';
import type { BucketStore } from '../store/api.js';
import { notSupported, StatementError } from './errors.js';
import { PackedTime } from './msgpack.js';
import { runSelect, type Series } from './select.js';
import { goDuration, shardGroupSeconds, showFieldKeys, showMeasurements, showSeries, showTagKeys, showTagValues, type ShowSeries } from './show.js';
import { formatRfc3339, zoneOffsetMinutes } from './time.js';
import type { Value } from './values.js';

export interface RetentionPolicyInfo {
  name: string;
  retentionSeconds: number;
  isDefault: boolean;
}

/** What a query may see: the caller's databases (DBRP mappings to buckets it may read). */
export interface QueryScope {
  store: BucketStore;
  /** ns since the epoch, for now(). */
  now: bigint;
  /** The request's `db` and `rp`. */
  db: string;
  rp: string;
  databases(): string[];
  /** Undefined when the database does not exist (for this caller). */
  retentionPolicies(db: string): RetentionPolicyInfo[] | undefined;
  /** The bucket of db and rp ('' = the database's default), or undefined. */
  bucket(db: string, rp: string): string | undefined;
}

export interface OutputSeries {
  name?: string;
  tags?: Record<string, string>;
  columns: string[];
  values: Value[][];
}

export interface StatementResult {
  statement_id: number;
  series?: OutputSeries[];
  error?: string;
}

export interface OutputFormat {
  /** `epoch=` divisor in ns; undefined: RFC 3339 strings (or MessagePack times). */
  epochDivisor?: bigint;
  /** Times as MessagePack's extension type (the answer is MessagePack). */
  packedTimes?: boolean;
}

export async function runStatement(stmt: Statement, id: number, scope: QueryScope, format: OutputFormat): Promise<StatementResult> {
  try {
    const series = await execute(stmt, scope, format);
    return series.length > 0 ? { statement_id: id, series } : { statement_id: id };
  } catch (e) {
    if (e instanceof StatementError) return { statement_id: id, error: e.message };
    throw e;
  }
}

function bucketResolver(scope: QueryScope): (db: string, rp: string) => string {
  return (db, rp) => {
    const database = db || scope.db;
    if (database === '') throw new StatementError('database name required');
    const policy = rp || (db === '' ? scope.rp : '');
    const id = scope.bucket(database, policy);
    if (id !== undefined) return id;
    if (scope.retentionPolicies(database) === undefined) throw new StatementError(`database not found: ${database}`);
    throw new StatementError(`retention policy not found: ${policy}`);
  };
}

async function execute(stmt: Statement, scope: QueryScope, format: OutputFormat): Promise<OutputSeries[]> {
  const bucketOf = bucketResolver(scope);
  const meta = { store: scope.store, bucketOf };
  switch (stmt.kind) {
    case 'select': {
      const series = await runSelect(stmt, { store: scope.store, now: scope.now, bucketOf });
      // The windows' times repeat in every series: each is formatted once.
      const texts = new Map<bigint, string>();
      return series.map((s) => withTimes(s, format, stmt.location, texts));
    }
    case 'show databases': {
      const dbs = scope.databases();
      return [{ name: 'databases', columns: ['name'], values: dbs.map((d) => [d]) }];
    }
    case 'show retention policies': {
      const db = stmt.database || scope.db;
      if (db === '') throw new StatementError('database name required');
      const rps = scope.retentionPolicies(db);
      if (rps === undefined) throw new StatementError(`database not found: ${db}`);
      return [
        {
          columns: ['name', 'duration', 'shardGroupDuration', 'replicaN', 'default'],
          values: rps.map((r) => [r.name, goDuration(r.retentionSeconds), goDuration(shardGroupSeconds(r.retentionSeconds)), 1n, r.isDefault]),
        },
      ];
    }
    case 'show measurements':
      return showMeasurements(stmt, meta).map(plain);
    case 'show tag keys':
      return showTagKeys(stmt, meta).map(plain);
    case 'show tag values':
      return showTagValues(stmt, meta).map(plain);
    case 'show field keys':
      return showFieldKeys(stmt, meta).map(plain);
    case 'show series':
      return showSeries(stmt, meta).map(plain);
    case 'unsupported':
      throw notSupported(stmt.what);
  }
}

function plain(s: ShowSeries): OutputSeries {
  return s;
}

function withTimes(s: Series, format: OutputFormat, location: string | undefined, texts: Map<bigint, string>): OutputSeries {
  const values = s.values.map((row, i) => {
    const t = s.times[i];
    if (format.epochDivisor !== undefined) row[0] = t / format.epochDivisor;
    else if (format.packedTimes) row[0] = new PackedTime(t) as unknown as Value;
    else {
      let text = texts.get(t);
      if (text === undefined) {
        text = formatRfc3339(t, location ? zoneOffsetMinutes(location, t) : 0);
        if (texts.size < 100_000) texts.set(t, text);
      }
      row[0] = text;
    }
    return row;
  });
  return { name: s.name, ...(s.tags ? { tags: s.tags } : {}), columns: s.columns, values };
}
