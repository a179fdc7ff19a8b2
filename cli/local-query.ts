// The data browser's Query tab on the host: InfluxQL over the endpoint's store with the
// operator's view (every bucket of the first org), answered in /query's JSON shape. Parsing and
// running are the endpoint's own (influxql/, server/query/ through runStatement), so the tab shows
// exactly what a client of /query would get, errors worded as InfluxDB words them.
import { InfluxQLParseError, parseQuery, type Query } from '../influxql/index.js';
import type { MetaStore } from '../server/meta.js';
import { runStatement } from '../server/query/engine.js';
import { epochDivisor } from '../server/query/time.js';
import { queryScope } from '../server/http/query.js';
import type { BucketStore } from '../server/store/api.js';
import { QUERY_ROWS_PER_SERIES, type QueryRequest, type QueryResult, type QuerySeries } from '../app/contract.js';

export async function runLocalQuery(meta: MetaStore, store: BucketStore, r: QueryRequest): Promise<QueryResult> {
  const text = r.q.trim();
  if (text === '') return { error: 'missing required parameter "q"' };
  let query: Query;
  try {
    query = parseQuery(text);
  } catch (e) {
    if (e instanceof InfluxQLParseError) return { error: `error parsing query: ${e.message}` };
    throw e;
  }
  const scope = queryScope({ meta, store }, { orgId: meta.get().orgs[0].id, read: '*' }, r.db, r.rp ?? '');
  const format = { epochDivisor: r.epoch === undefined ? undefined : epochDivisor(r.epoch) };
  const results: NonNullable<QueryResult['results']> = [];
  for (const [i, s] of query.statements.entries()) {
    const res = await runStatement(s, i, scope, format);
    results.push({
      statement_id: res.statement_id,
      ...(res.series ? { series: res.series.map(plainSeries) } : {}),
      ...(res.error !== undefined ? { error: res.error } : {}),
    });
  }
  return { results };
}

type EngineSeries = NonNullable<Awaited<ReturnType<typeof runStatement>>['series']>[number];

/** Values as JSON carries them (IPC and HTTP): an integer beyond 2^53 as its exact decimal text. */
function plainSeries(s: EngineSeries): QuerySeries {
  const cut = s.values.length > QUERY_ROWS_PER_SERIES;
  const rows = cut ? s.values.slice(0, QUERY_ROWS_PER_SERIES) : s.values;
  return {
    ...(s.name !== undefined ? { name: s.name } : {}),
    ...(s.tags ? { tags: s.tags } : {}),
    columns: s.columns,
    values: rows.map((row) => row.map(plainValue)),
    ...(cut ? { partial: true } : {}),
  };
}

function plainValue(v: unknown): number | string | boolean | null {
  if (typeof v === 'bigint') return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  return null;
}
