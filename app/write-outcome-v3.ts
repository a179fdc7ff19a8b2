// What an InfluxDB 3 write's answer (/api/v3/write_lp) means for the lines sent: its JSON names
// each bad line by `line_number`, which counts records (blank and comment lines not counted), so
// it is mapped back to the body's own line with 3.x's parser. Partial writes (400/422 "partial
// write of line protocol occurred") stored every other line; "line protocol parsing error"
// (accept_partial=false) stored nothing. Pure: no Node or DOM APIs.
import { parseV3Lines } from '../lineprotocol/influxdb3.js';
import { lineList, type LineVerdict, type WriteOutcome } from './write-outcome.js';

interface V3LineError {
  error_message?: unknown;
  line_number?: unknown;
}

const plural = (n: number, one: string) => `${n.toLocaleString('en')} ${one}${n === 1 ? '' : 's'}`;

export function v3WriteOutcome(status: number, responseBody: string, sent: string): WriteOutcome {
  const records = parseV3Lines(sent);
  const points = records.length;
  if (status === 0) return { sentence: 'no answer: whether anything was written is not known', points, lines: [] };
  if (status >= 200 && status < 300) {
    return { sentence: points === 0 ? 'nothing to write: the body holds no points' : `${points.toLocaleString('en')} of ${plural(points, 'point')} written`, written: points, points, lines: [] };
  }
  let parsed: { error?: unknown; data?: unknown } = {};
  try {
    parsed = JSON.parse(responseBody) as typeof parsed;
  } catch {
    // a plain-text answer (3.x sends some errors as text)
  }
  // line_number → the body's line: the record with that index.
  const verdict = (e: V3LineError): LineVerdict | undefined => {
    if (typeof e.line_number !== 'number' || typeof e.error_message !== 'string') return undefined;
    const r = records[e.line_number - 1];
    if (r === undefined) return undefined;
    return { line: r.line, reason: e.error_message, outcome: 'rejected', message: e.error_message };
  };
  if (parsed.error === 'partial write of line protocol occurred' && Array.isArray(parsed.data)) {
    const lines = (parsed.data as V3LineError[]).map(verdict).filter((v): v is LineVerdict => v !== undefined);
    const written = Math.max(0, points - parsed.data.length);
    return { sentence: `${written.toLocaleString('en')} of ${plural(points, 'point')} written; ${lineList(lines.map((v) => v.line))} rejected`, written, points, lines };
  }
  if (parsed.error === 'line protocol parsing error' && typeof parsed.data === 'object' && parsed.data !== null) {
    const v = verdict(parsed.data as V3LineError);
    const lines = v === undefined ? [] : [v];
    return { sentence: `nothing was written: with "Accept partial writes" off, InfluxDB 3 rejects the whole batch when a line is bad${v === undefined ? '' : ` (${lineList([v.line])})`}`, written: 0, points, lines };
  }
  if (status >= 500) return { sentence: `the server failed (${status}): whether anything was written is not known`, points, lines: [] };
  return { sentence: `nothing was written: the server refused the request (${status})`, written: 0, points, lines: [] };
}
