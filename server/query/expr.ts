// Evaluating expressions over one row (a point's tags and fields): arithmetic with InfluxDB's
// types, comparisons, regexes, AND/OR; and the time range a WHERE clause bounds.
import { toJsRegExp, type Expr } from '../../influxql/index.js';
import { notSupported, StatementError } from './errors.js';
import { MAX_TIME, MIN_TIME, parseTimeString } from './time.js';
import { isNumeric, toNumber, type Value } from './values.js';

export interface Row {
  time: bigint;
  tags: Record<string, string>;
  fields: Map<string, Value>;
}

/** Whether a name is a tag (else a field) of the measurement being read. */
export type IsTag = (name: string) => boolean;

const regexCache = new Map<string, RegExp>();
export function regex(source: string): RegExp {
  let re = regexCache.get(source);
  if (re === undefined) {
    re = toJsRegExp(source);
    if (regexCache.size > 1000) regexCache.clear();
    regexCache.set(source, re);
  }
  return re;
}

export function evalExpr(e: Expr, row: Row, isTag: IsTag): Value {
  switch (e.kind) {
    case 'paren':
      return evalExpr(e.expr, row, isTag);
    case 'varref': {
      if (e.name === 'time') return row.time;
      if (e.type === 'tag' || (e.type !== 'field' && isTag(e.name) && !row.fields.has(e.name))) return row.tags[e.name] ?? '';
      const v = row.fields.get(e.name);
      if (v === undefined) return e.type === undefined && isTag(e.name) ? (row.tags[e.name] ?? '') : null;
      return typeMatches(v, e.type) ? v : null;
    }
    case 'string':
      return e.value;
    case 'number':
      return e.value;
    case 'integer':
    case 'unsigned':
      return e.value;
    case 'boolean':
      return e.value;
    case 'duration':
      return e.ns;
    case 'binary':
      return evalBinary(e.op, e.lhs, e.rhs, row, isTag);
    default:
      throw notSupported(`the expression ${e.kind} here`);
  }
}

function typeMatches(v: Value, t: string | undefined): boolean {
  switch (t) {
    case undefined:
    case 'field':
      return true;
    case 'float':
    case 'integer':
    case 'unsigned':
      return isNumeric(v);
    case 'string':
      return typeof v === 'string';
    case 'boolean':
      return typeof v === 'boolean';
    default:
      return false;
  }
}

function evalBinary(op: string, lhsE: Expr, rhsE: Expr, row: Row, isTag: IsTag): Value {
  if (op === 'AND') return truthy(evalExpr(lhsE, row, isTag)) && truthy(evalExpr(rhsE, row, isTag));
  if (op === 'OR') return truthy(evalExpr(lhsE, row, isTag)) || truthy(evalExpr(rhsE, row, isTag));
  const lhs = evalExpr(lhsE, row, isTag);
  if (op === '=~' || op === '!~') {
    if (rhsE.kind !== 'regex' || typeof lhs !== 'string') return false;
    const m = regex(rhsE.source).test(lhs);
    return op === '=~' ? m : !m;
  }
  const rhs = evalExpr(rhsE, row, isTag);
  return arithmeticOrCompare(op, lhs, rhs);
}

export function arithmeticOrCompare(op: string, lhs: Value, rhs: Value): Value {
  switch (op) {
    case '+':
    case '-':
    case '*':
    case '/':
    case '%':
    case '&':
    case '|':
    case '^':
      return arithmetic(op, lhs, rhs);
    default:
      return compare(op, lhs, rhs);
  }
}

function arithmetic(op: string, a: Value, b: Value): Value {
  if (typeof a === 'bigint' && typeof b === 'bigint') {
    switch (op) {
      case '+': return BigInt.asIntN(64, a + b);
      case '-': return BigInt.asIntN(64, a - b);
      case '*': return BigInt.asIntN(64, a * b);
      // InfluxDB divides integers as floats.
      case '/': return b === 0n ? 0 : Number(a) / Number(b);
      case '%': return b === 0n ? 0n : a % b;
      case '&': return a & b;
      case '|': return a | b;
      case '^': return a ^ b;
    }
  }
  if (typeof a === 'boolean' && typeof b === 'boolean') {
    if (op === '&') return a && b;
    if (op === '|') return a || b;
    if (op === '^') return a !== b;
    return null;
  }
  if (!isNumeric(a) || !isNumeric(b)) return null;
  const x = toNumber(a);
  const y = toNumber(b);
  switch (op) {
    case '+': return x + y;
    case '-': return x - y;
    case '*': return x * y;
    case '/': return y === 0 ? 0 : x / y;
    case '%': return x % y;
    default: return null;
  }
}

function compare(op: string, a: Value, b: Value): boolean {
  if (a === null || b === null) return false;
  let c: number;
  if (isNumeric(a) && isNumeric(b)) {
    if (typeof a === 'bigint' && typeof b === 'bigint') c = a < b ? -1 : a > b ? 1 : 0;
    else {
      const x = toNumber(a);
      const y = toNumber(b);
      c = x < y ? -1 : x > y ? 1 : 0;
    }
  } else if (typeof a === 'string' && typeof b === 'string') c = a < b ? -1 : a > b ? 1 : 0;
  else if (typeof a === 'boolean' && typeof b === 'boolean') {
    if (op !== '=' && op !== '!=') return false;
    c = a === b ? 0 : 1;
  } else return false;
  switch (op) {
    case '=': return c === 0;
    case '!=': return c !== 0;
    case '<': return c < 0;
    case '<=': return c <= 0;
    case '>': return c > 0;
    case '>=': return c >= 0;
    default: return false;
  }
}

function truthy(v: Value): boolean {
  return v === true;
}

// ---- time ----

export interface TimeRange {
  /** Inclusive. */
  start: bigint;
  /** Inclusive (InfluxDB's max time). */
  end: bigint;
  hasStart: boolean;
  hasEnd: boolean;
}

function mentionsTime(e: Expr): boolean {
  switch (e.kind) {
    case 'varref':
      return e.name === 'time';
    case 'paren':
      return mentionsTime(e.expr);
    case 'binary':
      return mentionsTime(e.lhs) || mentionsTime(e.rhs);
    default:
      return false;
  }
}

/** Splits a WHERE clause into its time range and the rest (evaluated per row). */
export function splitCondition(cond: Expr | undefined, now: bigint): { range: TimeRange; filter?: Expr } {
  const range: TimeRange = { start: MIN_TIME, end: MAX_TIME, hasStart: false, hasEnd: false };
  if (cond === undefined) return { range };
  const rest: Expr[] = [];
  const visit = (e: Expr): void => {
    if (e.kind === 'paren') return visit(e.expr);
    if (e.kind === 'binary' && e.op === 'AND') {
      visit(e.lhs);
      visit(e.rhs);
      return;
    }
    if (!mentionsTime(e)) {
      rest.push(e);
      return;
    }
    if (e.kind !== 'binary' || !['=', '<', '<=', '>', '>='].includes(e.op)) throw notSupported('a time condition combined with OR or other than =, <, <=, >, >=');
    let op = e.op;
    let value: Expr;
    if (isTimeRef(e.lhs)) value = e.rhs;
    else if (isTimeRef(e.rhs)) {
      value = e.lhs;
      op = ({ '<': '>', '<=': '>=', '>': '<', '>=': '<=', '=': '=' } as Record<string, string>)[op] as typeof op;
    } else throw notSupported('this time expression');
    const t = timeValue(value, now);
    switch (op) {
      case '>':
        raiseStart(range, t + 1n);
        break;
      case '>=':
        raiseStart(range, t);
        break;
      case '<':
        lowerEnd(range, t - 1n);
        break;
      case '<=':
        lowerEnd(range, t);
        break;
      case '=':
        raiseStart(range, t);
        lowerEnd(range, t);
        break;
    }
  };
  visit(cond);
  const filter = rest.reduce<Expr | undefined>((acc, e) => (acc === undefined ? e : { kind: 'binary', op: 'AND', lhs: acc, rhs: e }), undefined);
  return filter === undefined ? { range } : { range, filter };
}

function raiseStart(r: TimeRange, t: bigint): void {
  if (!r.hasStart || t > r.start) r.start = t;
  r.hasStart = true;
}

function lowerEnd(r: TimeRange, t: bigint): void {
  if (!r.hasEnd || t < r.end) r.end = t;
  r.hasEnd = true;
}

function isTimeRef(e: Expr): boolean {
  return e.kind === 'varref' && e.name === 'time';
}

/** A time literal: RFC 3339 string, integer ns, duration (`1700000000000ms`), now(), and sums of these. */
export function timeValue(e: Expr, now: bigint): bigint {
  switch (e.kind) {
    case 'paren':
      return timeValue(e.expr, now);
    case 'string': {
      const t = parseTimeString(e.value);
      if (t === undefined) throw new StatementError(`invalid operation: time and *influxql.StringLiteral are not compatible`);
      return t;
    }
    case 'integer':
    case 'unsigned':
      return e.value;
    case 'number':
      return BigInt(Math.trunc(e.value));
    case 'duration':
      return e.ns;
    case 'call':
      if (e.name === 'now' && e.args.length === 0) return now;
      throw notSupported(`${e.name}() in a time condition`);
    case 'binary':
      if (e.op === '+') return timeValue(e.lhs, now) + timeValue(e.rhs, now);
      if (e.op === '-') return timeValue(e.lhs, now) - timeValue(e.rhs, now);
      throw notSupported(`the operator ${e.op} in a time condition`);
    default:
      throw notSupported(`a ${e.kind} in a time condition`);
  }
}
