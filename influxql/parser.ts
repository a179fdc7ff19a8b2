// InfluxQL's recursive-descent parser: the statements, clauses and expressions of InfluxDB 1.x,
// with its error texts (`found X, expected Y at line 1, char N`) at the same positions.
import type { BinaryOp, DataType, Expr, Fill, Measurement, Query, SelectField, SelectStatement, Source, Statement, TagKeyMatch } from './ast.js';
import { parseDuration } from './duration.js';
import { toJsRegExp } from './regex.js';
import { BufScanner, lookupIdent, OPERATORS, precedence, tokstr, type Pos, type Tok, type Token } from './scanner.js';

/** A statement text InfluxDB refuses to parse; `message` is its text, without "error parsing query: ". */
export class InfluxQLParseError extends Error {
  constructor(
    message: string,
    /** Where it is, when InfluxDB says (0-based; the message prints both + 1). */
    readonly pos?: Pos,
  ) {
    super(message);
    this.name = 'InfluxQLParseError';
  }

  static found(t: Token, expected: string[]): InfluxQLParseError {
    return new InfluxQLParseError(`found ${tokstr(t)}, expected ${expected.join(', ')} at line ${t.pos.line + 1}, char ${t.pos.char + 1}`, t.pos);
  }

  static at(message: string, pos: Pos): InfluxQLParseError {
    return new InfluxQLParseError(`${message} at line ${pos.line + 1}, char ${pos.char + 1}`, pos);
  }
}

export function parseQuery(text: string): Query {
  return new Parser(text).parseQuery();
}

export function parseExpr(text: string): Expr {
  return new Parser(text).parseExpr();
}

type Handler = (p: Parser) => Statement;
interface Tree {
  tokens: Map<Tok, Tree | Handler>;
}

const unsupported = (what: string): Handler => (p) => p.skipStatement(what);

function tree(entries: [Tok, Tree | Handler][]): Tree {
  return { tokens: new Map(entries) };
}

/** The statement grammar's leading keywords, in InfluxDB's order (its errors list them so). */
const LANGUAGE: Tree = tree([
  ['SELECT', (p) => p.parseSelect()],
  ['DELETE', (p) => p.parseDelete()],
  [
    'SHOW',
    tree([
      ['CONTINUOUS', tree([['QUERIES', unsupported('SHOW CONTINUOUS QUERIES')]])],
      ['DATABASES', () => ({ kind: 'show databases' })],
      ['DIAGNOSTICS', unsupported('SHOW DIAGNOSTICS')],
      ['FIELD', tree([['KEY', tree([['EXACT', unsupported('SHOW FIELD KEY EXACT CARDINALITY')], ['CARDINALITY', unsupported('SHOW FIELD KEY CARDINALITY')]])], ['KEYS', (p) => p.parseShowFieldKeys()]])],
      ['GRANTS', tree([['FOR', unsupported('SHOW GRANTS')]])],
      ['MEASUREMENT', tree([['EXACT', unsupported('SHOW MEASUREMENT EXACT CARDINALITY')], ['CARDINALITY', unsupported('SHOW MEASUREMENT CARDINALITY')]])],
      ['MEASUREMENTS', (p) => p.parseShowMeasurements()],
      ['QUERIES', unsupported('SHOW QUERIES')],
      ['RETENTION', tree([['POLICIES', (p) => p.parseShowRetentionPolicies()]])],
      ['SERIES', (p) => p.parseShowSeries()],
      ['SHARD', tree([['GROUPS', unsupported('SHOW SHARD GROUPS')]])],
      ['SHARDS', unsupported('SHOW SHARDS')],
      ['STATS', unsupported('SHOW STATS')],
      ['SUBSCRIPTIONS', unsupported('SHOW SUBSCRIPTIONS')],
      ['TAG', tree([['KEY', tree([['EXACT', unsupported('SHOW TAG KEY EXACT CARDINALITY')], ['CARDINALITY', unsupported('SHOW TAG KEY CARDINALITY')]])], ['KEYS', (p) => p.parseShowTagKeys()], ['VALUES', (p) => p.parseShowTagValues()]])],
      ['USERS', unsupported('SHOW USERS')],
    ]),
  ],
  [
    'CREATE',
    tree([
      ['CONTINUOUS', tree([['QUERY', unsupported('CREATE CONTINUOUS QUERY')]])],
      ['DATABASE', unsupported('CREATE DATABASE')],
      ['USER', unsupported('CREATE USER')],
      ['RETENTION', tree([['POLICY', unsupported('CREATE RETENTION POLICY')]])],
      ['SUBSCRIPTION', unsupported('CREATE SUBSCRIPTION')],
    ]),
  ],
  [
    'DROP',
    tree([
      ['CONTINUOUS', tree([['QUERY', unsupported('DROP CONTINUOUS QUERY')]])],
      ['DATABASE', unsupported('DROP DATABASE')],
      ['MEASUREMENT', unsupported('DROP MEASUREMENT')],
      ['RETENTION', tree([['POLICY', unsupported('DROP RETENTION POLICY')]])],
      ['SERIES', unsupported('DROP SERIES')],
      ['SHARD', unsupported('DROP SHARD')],
      ['SUBSCRIPTION', unsupported('DROP SUBSCRIPTION')],
      ['USER', unsupported('DROP USER')],
    ]),
  ],
  ['EXPLAIN', (p) => p.parseExplain()],
  ['GRANT', (p) => p.parsePrivilegeStatement('GRANT')],
  ['REVOKE', (p) => p.parsePrivilegeStatement('REVOKE')],
  ['ALTER', tree([['RETENTION', tree([['POLICY', unsupported('ALTER RETENTION POLICY')]])]])],
  ['SET', tree([['PASSWORD', unsupported('SET PASSWORD')]])],
  ['KILL', tree([['QUERY', unsupported('KILL QUERY')]])],
]);

const TYPE_NAMES: Record<string, DataType> = { float: 'float', integer: 'integer', unsigned: 'unsigned', string: 'string', boolean: 'boolean' };

export class Parser {
  private readonly s: BufScanner;

  constructor(text: string) {
    this.s = new BufScanner(text);
  }

  // ---- tokens ----

  scan(): Token {
    return this.s.scan();
  }

  unscan(): void {
    this.s.unscan();
  }

  scanIgnoreWhitespace(): Token {
    for (;;) {
      const t = this.s.scan();
      if (t.tok !== 'WS' && t.tok !== 'COMMENT') return t;
    }
  }

  private consumeWhitespace(): void {
    if (this.scan().tok !== 'WS') this.unscan();
  }

  /** The next character the scanner would read (InfluxDB peeks past the token push-back, so do we). */
  private peekRune(): string {
    const { ch } = this.s.s.r.read();
    if (ch !== '') this.s.s.r.unread();
    return ch;
  }

  private expectTokens(toks: Tok[]): void {
    for (const expected of toks) {
      const t = this.scanIgnoreWhitespace();
      if (t.tok !== expected) throw InfluxQLParseError.found(t, [expected]);
    }
  }

  // ---- query and statements ----

  parseQuery(): Query {
    const statements: Statement[] = [];
    let semi = true;
    for (;;) {
      const t = this.scanIgnoreWhitespace();
      if (t.tok === 'EOF') return { statements };
      if (t.tok === ';') {
        semi = true;
        continue;
      }
      if (!semi) throw InfluxQLParseError.found(t, [';']);
      this.unscan();
      statements.push(this.parseStatement());
      semi = false;
    }
  }

  parseStatement(): Statement {
    let node: Tree = LANGUAGE;
    for (;;) {
      const t = this.scanIgnoreWhitespace();
      const next = node.tokens.get(t.tok);
      if (next === undefined) throw InfluxQLParseError.found(t, [...node.tokens.keys()]);
      if (typeof next === 'function') return next(this);
      node = next;
    }
  }

  /** The rest of a statement we do not run: skipped to its `;`. */
  skipStatement(what: string): Statement {
    for (;;) {
      const t = this.scanIgnoreWhitespace();
      if (t.tok === 'EOF' || t.tok === ';') {
        this.unscan();
        return { kind: 'unsupported', what };
      }
    }
  }

  parseDelete(): Statement {
    const t = this.scanIgnoreWhitespace();
    if (t.tok !== 'FROM' && t.tok !== 'WHERE') throw InfluxQLParseError.found(t, ['FROM', 'WHERE']);
    return this.skipStatement('DELETE');
  }

  parseExplain(): Statement {
    let t = this.scanIgnoreWhitespace();
    if (t.tok === 'ANALYZE') t = this.scanIgnoreWhitespace();
    if (t.tok !== 'SELECT') throw InfluxQLParseError.found(t, ['SELECT']);
    this.parseSelect();
    return { kind: 'unsupported', what: 'EXPLAIN' };
  }

  parsePrivilegeStatement(what: 'GRANT' | 'REVOKE'): Statement {
    const t = this.scanIgnoreWhitespace();
    if (t.tok !== 'READ' && t.tok !== 'WRITE' && t.tok !== 'ALL') throw InfluxQLParseError.found(t, ['READ', 'WRITE', 'ALL [PRIVILEGES]']);
    return this.skipStatement(what);
  }

  parseSelect(): SelectStatement {
    const fields = this.parseFields();
    const into = this.scanIgnoreWhitespace();
    let hasInto = false;
    if (into.tok === 'INTO') {
      hasInto = true;
      this.parseSegmentedIdents();
    } else this.unscan();
    const from = this.scanIgnoreWhitespace();
    if (from.tok !== 'FROM') throw InfluxQLParseError.found(from, ['FROM']);
    const sources = this.parseSources(true);
    const condition = this.parseCondition();
    const dimensions = this.parseDimensions();
    const fill = this.parseFill();
    const descending = this.parseOrderBy();
    const limit = this.optionalTokenAndInt('LIMIT');
    const offset = this.optionalTokenAndInt('OFFSET');
    const slimit = this.optionalTokenAndInt('SLIMIT');
    const soffset = this.optionalTokenAndInt('SOFFSET');
    const location = this.parseLocation();
    const stmt: SelectStatement = { kind: 'select', fields, sources, dimensions, fill, descending, limit, offset, slimit, soffset };
    if (hasInto) stmt.into = true;
    if (condition !== undefined) stmt.condition = condition;
    if (location !== undefined) stmt.location = location;
    return stmt;
  }

  parseShowRetentionPolicies(): Statement {
    return { kind: 'show retention policies', database: this.optionalOn() };
  }

  parseShowMeasurements(): Statement {
    // 1.6 takes a database name only (no `*`, no `.rp`).
    const database = this.optionalOn();
    let source: Measurement | undefined;
    if (this.scanIgnoreWhitespace().tok === 'WITH') {
      this.expectTokens(['MEASUREMENT']);
      const op = this.scanIgnoreWhitespace();
      if (op.tok !== '=' && op.tok !== '=~') throw InfluxQLParseError.found(op, ['=', '=~']);
      const s = this.parseSource(false);
      if (s.kind === 'measurement') source = s;
    } else this.unscan();
    const condition = this.parseCondition();
    this.parseOrderBy();
    const limit = this.optionalTokenAndInt('LIMIT');
    const offset = this.optionalTokenAndInt('OFFSET');
    return { kind: 'show measurements', database, ...(source ? { source } : {}), ...(condition ? { condition } : {}), limit, offset };
  }

  parseShowTagKeys(): Statement {
    const database = this.optionalOn();
    const sources = this.optionalFrom();
    if (this.scanIgnoreWhitespace().tok === 'WITH') {
      this.unscan();
      this.parseTagKeyExpr();
    } else this.unscan();
    const condition = this.parseCondition();
    this.parseOrderBy();
    const limit = this.optionalTokenAndInt('LIMIT');
    const offset = this.optionalTokenAndInt('OFFSET');
    const slimit = this.optionalTokenAndInt('SLIMIT');
    const soffset = this.optionalTokenAndInt('SOFFSET');
    return { kind: 'show tag keys', database, sources, ...(condition ? { condition } : {}), limit, offset, slimit, soffset };
  }

  parseShowTagValues(): Statement {
    const t = this.scanIgnoreWhitespace();
    if (t.tok === 'EXACT' || t.tok === 'CARDINALITY') return this.skipStatement('SHOW TAG VALUES CARDINALITY');
    this.unscan();
    const database = this.optionalOn();
    const sources = this.optionalFrom();
    const key = this.parseTagKeyExpr();
    const condition = this.parseCondition();
    this.parseOrderBy();
    const limit = this.optionalTokenAndInt('LIMIT');
    const offset = this.optionalTokenAndInt('OFFSET');
    return { kind: 'show tag values', database, sources, key, ...(condition ? { condition } : {}), limit, offset };
  }

  parseShowFieldKeys(): Statement {
    const database = this.optionalOn();
    const sources = this.optionalFrom();
    this.parseOrderBy();
    const limit = this.optionalTokenAndInt('LIMIT');
    const offset = this.optionalTokenAndInt('OFFSET');
    return { kind: 'show field keys', database, sources, limit, offset };
  }

  parseShowSeries(): Statement {
    const t = this.scanIgnoreWhitespace();
    if (t.tok === 'EXACT' || t.tok === 'CARDINALITY') return this.skipStatement('SHOW SERIES CARDINALITY');
    this.unscan();
    const database = this.optionalOn();
    const sources = this.optionalFrom();
    const condition = this.parseCondition();
    this.parseOrderBy();
    const limit = this.optionalTokenAndInt('LIMIT');
    const offset = this.optionalTokenAndInt('OFFSET');
    return { kind: 'show series', database, sources, ...(condition ? { condition } : {}), limit, offset };
  }

  private optionalOn(): string {
    if (this.scanIgnoreWhitespace().tok === 'ON') return this.parseIdent();
    this.unscan();
    return '';
  }

  private optionalFrom(): Source[] {
    if (this.scanIgnoreWhitespace().tok === 'FROM') return this.parseSources(false);
    this.unscan();
    return [];
  }

  private parseTagKeyExpr(): TagKeyMatch {
    this.expectTokens(['WITH', 'KEY']);
    const t = this.scanIgnoreWhitespace();
    if (t.tok === 'IN') {
      const l = this.scanIgnoreWhitespace();
      if (l.tok !== '(') throw InfluxQLParseError.found(l, ['(']);
      const keys = this.parseIdentList();
      const r = this.scanIgnoreWhitespace();
      if (r.tok !== ')') throw InfluxQLParseError.found(r, [')']);
      return { op: 'IN', keys };
    }
    if (t.tok === '=' || t.tok === '!=') return { op: t.tok, key: this.parseIdent() };
    if (t.tok === '=~' || t.tok === '!~') {
      const re = this.parseRegex();
      if (re === null) throw InfluxQLParseError.found(this.scanIgnoreWhitespace(), ['regex']);
      return { op: t.tok, regex: re.source };
    }
    throw InfluxQLParseError.found(t, ['IN', '=', '=~']);
  }

  // ---- clauses ----

  parseIdent(): string {
    const t = this.scanIgnoreWhitespace();
    if (t.tok !== 'IDENT') throw InfluxQLParseError.found(t, ['identifier']);
    return t.lit;
  }

  private parseIdentList(): string[] {
    const out = [this.parseIdent()];
    for (;;) {
      if (this.scanIgnoreWhitespace().tok !== ',') {
        this.unscan();
        return out;
      }
      out.push(this.parseIdent());
    }
  }

  private parseSegmentedIdents(): string[] {
    const idents = [this.parseIdent()];
    for (;;) {
      if (this.scan().tok !== '.') {
        this.unscan();
        break;
      }
      const ch = this.peekRune();
      if (ch === '/' || ch === ':') break;
      if (ch === '.') {
        idents.push('');
        continue;
      }
      idents.push(this.parseIdent());
    }
    if (idents.length > 3) throw InfluxQLParseError.at(`too many segments in ${quoteIdent(...idents)}`, { line: 0, char: 0 });
    return idents;
  }

  private parseFields(): SelectField[] {
    const fields: SelectField[] = [];
    for (;;) {
      fields.push(this.parseField());
      if (this.scan().tok !== ',') {
        this.unscan();
        return fields;
      }
    }
  }

  private parseField(): SelectField {
    let expr: Expr;
    const re = this.parseRegex();
    if (re !== null) expr = re;
    else {
      const { pos } = this.scanIgnoreWhitespace();
      this.unscan();
      expr = this.parseExpr();
      const bad = booleanOperator(expr);
      if (bad !== undefined) {
        throw new InfluxQLParseError(`invalid operator ${bad} in SELECT clause at line ${pos.line + 1}, char ${pos.char + 1}; operator is intended for WHERE clause`, pos);
      }
    }
    let alias = '';
    if (this.scanIgnoreWhitespace().tok === 'AS') alias = this.parseIdent();
    else this.unscan();
    this.consumeWhitespace();
    return { expr, alias };
  }

  private parseSources(subqueries: boolean): Source[] {
    const sources: Source[] = [];
    for (;;) {
      sources.push(this.parseSource(subqueries));
      if (this.scanIgnoreWhitespace().tok !== ',') {
        this.unscan();
        return sources;
      }
    }
  }

  private parseSource(subqueries: boolean): Source {
    const m: Measurement = { kind: 'measurement', database: '', retentionPolicy: '' };
    const re = this.parseRegex();
    if (re !== null) return { ...m, regex: re.source };
    if (subqueries) {
      if (this.scanIgnoreWhitespace().tok === '(') {
        this.expectTokens(['SELECT']);
        const statement = this.parseSelect();
        this.expectTokens([')']);
        return { kind: 'subquery', statement };
      }
      this.unscan();
    }
    const idents = this.parseSegmentedIdents();
    if (idents.length === 3) return { ...m, database: idents[0], retentionPolicy: idents[1], name: idents[2] };
    const re2 = this.parseRegex();
    if (idents.length === 1) return re2 !== null ? { ...m, retentionPolicy: idents[0], regex: re2.source } : { ...m, name: idents[0] };
    return re2 !== null ? { ...m, database: idents[0], retentionPolicy: idents[1], regex: re2.source } : { ...m, retentionPolicy: idents[0], name: idents[1] };
  }

  private parseCondition(): Expr | undefined {
    if (this.scanIgnoreWhitespace().tok !== 'WHERE') {
      this.unscan();
      return undefined;
    }
    return this.parseExpr();
  }

  private parseDimensions(): Expr[] {
    if (this.scanIgnoreWhitespace().tok !== 'GROUP') {
      this.unscan();
      return [];
    }
    const by = this.scanIgnoreWhitespace();
    if (by.tok !== 'BY') throw InfluxQLParseError.found(by, ['BY']);
    const dims: Expr[] = [];
    for (;;) {
      const re = this.parseRegex();
      if (re !== null) dims.push(re);
      else {
        dims.push(this.parseExpr());
        this.consumeWhitespace();
      }
      if (this.scan().tok !== ',') {
        this.unscan();
        return dims;
      }
    }
  }

  private parseFill(): Fill {
    const t = this.scanIgnoreWhitespace();
    this.unscan();
    if (t.tok !== 'IDENT' || t.lit.toLowerCase() !== 'fill') return { kind: 'null' };
    const expr = this.parseExpr();
    if (expr.kind !== 'call') throw new InfluxQLParseError('fill must be a function call');
    if (expr.args.length !== 1) throw new InfluxQLParseError('fill requires an argument, e.g.: 0, null, none, previous, linear');
    const arg = expr.args[0];
    if (arg.kind === 'varref' && arg.type === undefined) {
      if (arg.name === 'null' || arg.name === 'none' || arg.name === 'previous' || arg.name === 'linear') return { kind: arg.name };
    }
    if (arg.kind === 'integer') return { kind: 'number', value: Number(arg.value) };
    if (arg.kind === 'number') return { kind: 'number', value: arg.value };
    throw new InfluxQLParseError('expected number argument in fill()');
  }

  private parseLocation(): string | undefined {
    const t = this.scanIgnoreWhitespace();
    this.unscan();
    if (t.tok !== 'IDENT' || t.lit.toLowerCase() !== 'tz') return undefined;
    const expr = this.parseExpr();
    if (expr.kind !== 'call') throw new InfluxQLParseError('tz must be a function call');
    if (expr.args.length !== 1) throw new InfluxQLParseError('tz requires exactly one argument');
    const name = expr.args[0];
    if (name.kind !== 'string') throw new InfluxQLParseError('expected string argument in tz()');
    if (!isTimeZone(name.value)) throw new InfluxQLParseError(`unable to find time zone ${name.value}`);
    return name.value;
  }

  private optionalTokenAndInt(tok: 'LIMIT' | 'OFFSET' | 'SLIMIT' | 'SOFFSET'): number {
    if (this.scanIgnoreWhitespace().tok !== tok) {
      this.unscan();
      return 0;
    }
    const t = this.scanIgnoreWhitespace();
    if (t.tok !== 'INTEGER') throw InfluxQLParseError.found(t, ['integer']);
    return Number(t.lit);
  }

  /** ORDER BY time [ASC|DESC] (the only order InfluxDB has); true when descending. */
  private parseOrderBy(): boolean {
    if (this.scanIgnoreWhitespace().tok !== 'ORDER') {
      this.unscan();
      return false;
    }
    const by = this.scanIgnoreWhitespace();
    if (by.tok !== 'BY') throw InfluxQLParseError.found(by, ['BY']);
    const t = this.scanIgnoreWhitespace();
    let descending: boolean;
    let count = 1;
    if (t.tok === 'ASC' || t.tok === 'DESC') descending = t.tok === 'DESC';
    else if (t.tok === 'IDENT') {
      this.unscan();
      descending = this.parseSortField();
      if (t.lit !== 'time') throw new InfluxQLParseError('only ORDER BY time supported at this time');
    } else throw InfluxQLParseError.found(t, ['identifier', 'ASC', 'DESC']);
    for (;;) {
      if (this.scanIgnoreWhitespace().tok !== ',') {
        this.unscan();
        break;
      }
      this.parseSortField();
      count++;
    }
    if (count > 1) throw new InfluxQLParseError('only ORDER BY time supported at this time');
    return descending;
  }

  private parseSortField(): boolean {
    this.parseIdent();
    const t = this.scanIgnoreWhitespace();
    if (t.tok !== 'ASC' && t.tok !== 'DESC') {
      this.unscan();
      return false;
    }
    return t.tok === 'DESC';
  }

  // ---- expressions ----

  private parseVarRef(): Expr {
    const segments = this.parseSegmentedIdents();
    let type: DataType | undefined;
    if (this.scan().tok === '::') {
      const t = this.scan();
      if (t.tok === 'IDENT') {
        type = TYPE_NAMES[t.lit.toLowerCase()];
        if (type === undefined) throw InfluxQLParseError.found(t, ['float', 'integer', 'unsigned', 'string', 'boolean', 'field', 'tag']);
      } else if (t.tok === 'FIELD') type = 'field';
      else if (t.tok === 'TAG') type = 'tag';
      else throw InfluxQLParseError.found(t, ['float', 'integer', 'string', 'boolean', 'field', 'tag']);
    } else this.unscan();
    return type === undefined ? { kind: 'varref', name: segments.join('.') } : { kind: 'varref', name: segments.join('.'), type };
  }

  parseExpr(): Expr {
    // The tree is built as InfluxDB does: a new operator descends the right spine while the
    // operators there bind less tightly.
    const root: { rhs: Expr } = { rhs: this.parseUnaryExpr() };
    for (;;) {
      const opTok = this.scanIgnoreWhitespace();
      if (!OPERATORS.has(opTok.tok)) {
        this.unscan();
        return root.rhs;
      }
      const op = opTok.tok as BinaryOp;
      let rhs: Expr;
      if (op === '=~' || op === '!~') {
        const re = this.parseRegex();
        if (re === null) throw InfluxQLParseError.found(this.scanIgnoreWhitespace(), ['regex']);
        rhs = re;
      } else rhs = this.parseUnaryExpr();
      let node: { rhs: Expr } = root;
      for (;;) {
        const r = node.rhs;
        if (r.kind !== 'binary' || precedence(r.op) >= precedence(op)) {
          node.rhs = { kind: 'binary', op, lhs: node.rhs, rhs };
          break;
        }
        node = r;
      }
    }
  }

  private parseUnaryExpr(): Expr {
    if (this.scanIgnoreWhitespace().tok === '(') {
      const expr = this.parseExpr();
      const r = this.scanIgnoreWhitespace();
      if (r.tok !== ')') throw InfluxQLParseError.found(r, [')']);
      return { kind: 'paren', expr };
    }
    this.unscan();
    const t = this.scanIgnoreWhitespace();
    switch (t.tok) {
      case 'IDENT': {
        if (this.scan().tok === '(') return this.parseCall(t.lit);
        this.unscan();
        this.unscan();
        return this.parseVarRef();
      }
      case 'DISTINCT': {
        const t0 = this.scan();
        if (t0.tok === '(') return this.parseCall('distinct');
        if (t0.tok === 'WS') {
          const t1 = this.scanIgnoreWhitespace();
          if (t1.tok !== 'IDENT') throw InfluxQLParseError.found(t1, ['identifier']);
          return { kind: 'distinct', name: t1.lit };
        }
        throw InfluxQLParseError.found(t0, ['(', 'identifier']);
      }
      case 'STRING':
        return { kind: 'string', value: t.lit };
      case 'NUMBER': {
        const v = Number(t.lit);
        if (Number.isNaN(v)) throw InfluxQLParseError.at('unable to parse number', t.pos);
        return { kind: 'number', value: v };
      }
      case 'INTEGER': {
        const v = BigInt(t.lit);
        if (v <= INT64_MAX) return { kind: 'integer', value: v };
        if (v <= UINT64_MAX) return { kind: 'unsigned', value: v };
        throw InfluxQLParseError.at('unable to parse integer', t.pos);
      }
      case 'TRUE':
      case 'FALSE':
        return { kind: 'boolean', value: t.tok === 'TRUE' };
      case 'DURATIONVAL': {
        const ns = parseDuration(t.lit);
        if (typeof ns === 'string') throw new InfluxQLParseError(ns);
        return { kind: 'duration', ns };
      }
      case '*': {
        if (this.scan().tok === '::') {
          const k = this.scan();
          if (k.tok === 'FIELD') return { kind: 'wildcard', type: 'field' };
          if (k.tok === 'TAG') return { kind: 'wildcard', type: 'tag' };
          throw InfluxQLParseError.found(k, ['field', 'tag']);
        }
        this.unscan();
        return { kind: 'wildcard' };
      }
      case 'BOUNDPARAM': {
        const k = t.lit.slice(1);
        if (k === '') throw new InfluxQLParseError('empty bound parameter');
        throw new InfluxQLParseError(`missing parameter: ${k}`);
      }
      case '+':
      case '-': {
        const neg = t.tok === '-';
        const t0 = this.scanIgnoreWhitespace();
        if (t0.tok !== 'NUMBER' && t0.tok !== 'INTEGER' && t0.tok !== 'DURATIONVAL' && t0.tok !== '(' && t0.tok !== 'IDENT') {
          throw InfluxQLParseError.found(t0, ['identifier', 'number', 'duration', '(']);
        }
        this.unscan();
        const e = this.parseUnaryExpr();
        if (!neg) return e;
        switch (e.kind) {
          case 'number': return { kind: 'number', value: -e.value };
          case 'integer': return { kind: 'integer', value: -e.value };
          case 'unsigned':
            if (e.value === INT64_MAX + 1n) return { kind: 'integer', value: -e.value };
            throw new InfluxQLParseError(`constant -${e.value} underflows int64`);
          case 'duration': return { kind: 'duration', ns: -e.ns };
          default: return { kind: 'binary', op: '*', lhs: { kind: 'integer', value: -1n }, rhs: e };
        }
      }
      default:
        throw InfluxQLParseError.found(t, ['identifier', 'string', 'number', 'bool']);
    }
  }

  private parseRegex(): { kind: 'regex'; source: string } | null {
    if (isWs(this.peekRune())) this.consumeWhitespace();
    if (this.peekRune() !== '/') return null;
    const t = this.s.scanRegex();
    if (t.tok === 'BADREGEX') throw InfluxQLParseError.at(`bad regex: ${t.lit}`, t.pos);
    if (t.tok !== 'REGEX') throw InfluxQLParseError.found(t, ['regex']);
    const problem = regexProblem(t.lit);
    if (problem !== undefined) throw InfluxQLParseError.at(problem, t.pos);
    return { kind: 'regex', source: t.lit };
  }

  private parseCall(rawName: string): Expr {
    const name = rawName.toLowerCase();
    const args: Expr[] = [];
    const re = this.parseRegex();
    if (re !== null) args.push(re);
    else {
      if (this.scan().tok === ')') return { kind: 'call', name, args };
      this.unscan();
      args.push(this.parseExpr());
    }
    for (;;) {
      if (this.scanIgnoreWhitespace().tok !== ',') {
        this.unscan();
        break;
      }
      const r = this.parseRegex();
      args.push(r ?? this.parseExpr());
    }
    const close = this.scan();
    if (close.tok !== ')') throw InfluxQLParseError.found(close, [')']);
    return { kind: 'call', name, args };
  }
}

const INT64_MAX = 9223372036854775807n;
const UINT64_MAX = 18446744073709551615n;

const isWs = (c: string) => c === ' ' || c === '\t' || c === '\n';

/** The first comparison or logical operator in a SELECT field (InfluxDB refuses them there). */
function booleanOperator(e: Expr): string | undefined {
  switch (e.kind) {
    case 'binary':
      if (['=', '!=', '=~', '!~', '<', '<=', '>', '>=', 'AND', 'OR'].includes(e.op)) return e.op;
      return booleanOperator(e.lhs) ?? booleanOperator(e.rhs);
    case 'paren':
      return booleanOperator(e.expr);
    case 'call':
      for (const a of e.args) {
        const b = booleanOperator(a);
        if (b !== undefined) return b;
      }
      return undefined;
    default:
      return undefined;
  }
}

function regexProblem(source: string): string | undefined {
  try {
    toJsRegExp(source);
    return undefined;
  } catch (e) {
    return `error parsing regexp: ${(e as Error).message}`;
  }
}

function isTimeZone(name: string): boolean {
  if (name === '' || name === 'UTC' || name === 'Local') return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** An identifier as InfluxDB quotes it (segments joined by dots). */
export function quoteIdent(...segments: string[]): string {
  return segments
    .map((seg, i) => {
      const need = identNeedsQuotes(seg) || (i < segments.length - 1 && seg !== '') || ((i === 0 || i === segments.length - 1) && seg === '');
      const esc = seg.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
      return need ? `"${esc}"` : esc;
    })
    .join('.');
}

function identNeedsQuotes(ident: string): boolean {
  return lookupIdent(ident) !== 'IDENT' || (ident !== '' && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(ident));
}
