// The typed syntax tree of InfluxQL statements, as the parser builds it.

export type DataType = 'float' | 'integer' | 'unsigned' | 'string' | 'boolean' | 'field' | 'tag';

export type BinaryOp = '+' | '-' | '*' | '/' | '%' | '&' | '|' | '^' | 'AND' | 'OR' | '=' | '!=' | '=~' | '!~' | '<' | '<=' | '>' | '>=';

export type Expr =
  | { kind: 'binary'; op: BinaryOp; lhs: Expr; rhs: Expr }
  | { kind: 'paren'; expr: Expr }
  | { kind: 'varref'; name: string; type?: DataType }
  | { kind: 'call'; name: string; args: Expr[] }
  | { kind: 'distinct'; name: string }
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  /** Integers are exact (time literals in ns exceed 2^53). */
  | { kind: 'integer'; value: bigint }
  | { kind: 'unsigned'; value: bigint }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'duration'; ns: bigint }
  | { kind: 'wildcard'; type?: 'field' | 'tag' }
  /** A /regex/ in Go's syntax, as written between the slashes. */
  | { kind: 'regex'; source: string };

export interface Measurement {
  kind: 'measurement';
  database: string;
  retentionPolicy: string;
  name?: string;
  regex?: string;
}

export interface SubQuery {
  kind: 'subquery';
  statement: SelectStatement;
}

export type Source = Measurement | SubQuery;

export interface SelectField {
  expr: Expr;
  alias: string;
}

export type Fill = { kind: 'null' } | { kind: 'none' } | { kind: 'previous' } | { kind: 'linear' } | { kind: 'number'; value: number };

export interface SelectStatement {
  kind: 'select';
  fields: SelectField[];
  into?: true;
  sources: Source[];
  condition?: Expr;
  dimensions: Expr[];
  fill: Fill;
  /** ORDER BY time DESC. */
  descending: boolean;
  limit: number;
  offset: number;
  slimit: number;
  soffset: number;
  /** tz('…'): an IANA zone name. */
  location?: string;
}

export interface ShowDatabasesStatement {
  kind: 'show databases';
}

export interface ShowRetentionPoliciesStatement {
  kind: 'show retention policies';
  database: string;
}

export interface ShowMeasurementsStatement {
  kind: 'show measurements';
  database: string;
  /** WITH MEASUREMENT = name | =~ /re/. */
  source?: Measurement;
  condition?: Expr;
  limit: number;
  offset: number;
}

export interface ShowTagKeysStatement {
  kind: 'show tag keys';
  database: string;
  sources: Source[];
  condition?: Expr;
  limit: number;
  offset: number;
  slimit: number;
  soffset: number;
}

export type TagKeyMatch = { op: 'IN'; keys: string[] } | { op: '=' | '!='; key: string } | { op: '=~' | '!~'; regex: string };

export interface ShowTagValuesStatement {
  kind: 'show tag values';
  database: string;
  sources: Source[];
  key: TagKeyMatch;
  condition?: Expr;
  limit: number;
  offset: number;
}

export interface ShowFieldKeysStatement {
  kind: 'show field keys';
  database: string;
  sources: Source[];
  limit: number;
  offset: number;
}

export interface ShowSeriesStatement {
  kind: 'show series';
  database: string;
  sources: Source[];
  condition?: Expr;
  limit: number;
  offset: number;
}

/** A statement InfluxQL has that this implementation parses only by its leading keywords. */
export interface UnsupportedStatement {
  kind: 'unsupported';
  /** Its leading keywords, e.g. `CREATE DATABASE`. */
  what: string;
}

export type Statement =
  | SelectStatement
  | ShowDatabasesStatement
  | ShowRetentionPoliciesStatement
  | ShowMeasurementsStatement
  | ShowTagKeysStatement
  | ShowTagValuesStatement
  | ShowFieldKeysStatement
  | ShowSeriesStatement
  | UnsupportedStatement;

export interface Query {
  statements: Statement[];
}
