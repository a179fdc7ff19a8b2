// Shared shapes of the line-protocol engine. Pure data: no DOM or Node types, so the same
// values flow from the parser to the editor, the Web Worker, the endpoint and the CLI.

/** Which parser rules apply: InfluxDB OSS 2.x, OSS 1.x, or the newer reference grammar (lp-v2). */
export type Dialect = 'influxdb2' | 'influxdb1' | 'reference';

/** A timestamp unit, canonical spelling. */
export type Precision = 'ns' | 'us' | 'ms' | 's' | 'm' | 'h';

export interface Tag {
  key: string;
  value: string;
}

/**
 * A typed field value. Integers, unsigned integers and times are exact decimal strings
 * (never a lossy JS number); floats are numbers.
 */
export type Field =
  | { key: string; type: 'float'; value: number }
  | { key: string; type: 'int'; value: string }
  | { key: string; type: 'uint'; value: string }
  | { key: string; type: 'string'; value: string }
  | { key: string; type: 'bool'; value: boolean };

export type FieldType = Field['type'];

export interface Point {
  /** Measurement name with InfluxDB's unescaping applied. */
  measurement: string;
  /** Series key exactly as InfluxDB builds it: the raw escaped text, tags sorted by raw key bytes. */
  series: string;
  /** Tags in series-key order, unescaped. */
  tags: Tag[];
  /** Fields in input order (duplicates kept, as the parser does). */
  fields: Field[];
  /** Nanoseconds since the epoch, exact decimal string. */
  time: string;
  /** True when the line carried its own timestamp (false: server time was used). */
  timestamped: boolean;
  /** 1-based line number where the record starts. */
  line: number;
}

export type Severity = 'error' | 'warning';

/**
 * One finding. Lines and columns are 1-based; columns count UTF-16 code units (what editors use);
 * endColumn is exclusive and on endLine (same as line when absent).
 */
export interface Diagnostic {
  line: number;
  column: number;
  endLine?: number;
  endColumn: number;
  severity: Severity;
  /** Stable machine-readable code, e.g. `invalid-number`, `precision-mismatch`. */
  code: string;
  /** One-sentence explanation. For errors it starts with InfluxDB's reason text. */
  message: string;
  /** What to do about it. */
  hint?: string;
  /** For `precision-mismatch`: the unit the timestamp looks like (what a fix would choose). */
  precision?: Precision;
}

/** A record the parser rejected, with InfluxDB's own texts. */
export interface RecordError {
  line: number;
  column: number;
  /** InfluxDB's reason, e.g. `invalid number`. */
  reason: string;
  /** The record text InfluxDB quotes (from its first non-blank character, without the final newline). */
  text: string;
  /** `unable to parse '<text>': <reason>` — InfluxDB's full message. */
  message: string;
}

export interface ParseOptions {
  dialect?: Dialect;
  /** Unit of the timestamps in the text (default ns). */
  precision?: Precision;
  /**
   * Unit the server time is truncated to for lines without a timestamp (default: precision).
   * Separate because InfluxDB 2.x multiplies `u`/`m`/`h` by 1 yet still truncates to them.
   */
  truncateTo?: Precision;
  /** Server time in ns for lines without a timestamp (default: now). */
  now?: bigint;
  /** `strip` removes a `\r` directly before `\n`. Default: keep for influxdb1/2, strip for reference. */
  crlf?: 'keep' | 'strip';
  /**
   * With `crlf: 'strip'`: the targets that keep the `\r` instead (e.g. `InfluxDB 2.x and 1.x`).
   * A stripped record that they would refuse then gets a `crlf` warning naming them.
   */
  crlfRefusedBy?: string;
  /** Emit our warnings (default true). */
  warnings?: boolean;
  /** Line number of the first line of the text (default 1), for chunked input. */
  firstLine?: number;
}
