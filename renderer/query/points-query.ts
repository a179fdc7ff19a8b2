// The InfluxQL that selects what the data browser's Points view shows: the measurement, one
// series' tags, the time range (From included, Until not) and the rows loaded, newest first.
import { isoNs } from '../components/time-range.js';

export function quotedIdent(name: string): string {
  return `"${name.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

export function quotedString(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** Splits at `sep` where it is not escaped by a backslash (line protocol's escaping), unescaping the parts. */
function splitEscaped(s: string, sep: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\' && i + 1 < s.length && (s[i + 1] === ',' || s[i + 1] === '=' || s[i + 1] === ' ' || s[i + 1] === '\\')) {
      cur += c + s[++i];
    } else if (c === sep) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

const unescape = (s: string) => s.replace(/\\([,= \\])/g, '$1');

/** A series key (`m,k=v,…`, as the store lists it) to its tags. */
export function seriesTags(key: string): [string, string][] {
  return splitEscaped(key, ',')
    .slice(1)
    .map((pair) => {
      const [k, ...v] = splitEscaped(pair, '=');
      return [unescape(k), unescape(v.join('='))];
    });
}

export function pointsQuery(o: { measurement: string; series?: string | null; start?: string; stop?: string; limit: number }): string {
  const where: string[] = [];
  for (const [k, v] of o.series ? seriesTags(o.series) : []) where.push(`${quotedIdent(k)} = ${quotedString(v)}`);
  if (o.start !== undefined) where.push(`time >= '${isoNs(o.start)}'`);
  if (o.stop !== undefined) where.push(`time < '${isoNs(o.stop)}'`);
  return `SELECT * FROM ${quotedIdent(o.measurement)}${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY time DESC LIMIT ${o.limit}`;
}
