// The values a query computes with and answers: float (number), integer and unsigned (bigint,
// exact), string, boolean, or null; and the JSON text InfluxDB writes for them.
import type { Field } from '../../lineprotocol/types.js';

export type Value = number | bigint | string | boolean | null;

export function fieldValue(f: Field): Value {
  switch (f.type) {
    case 'float':
      return f.value;
    case 'int':
    case 'uint':
      return BigInt(f.value);
    default:
      return f.value;
  }
}

/** InfluxQL's type names, as SHOW FIELD KEYS prints them. */
export const TYPE_NAME: Record<Field['type'], string> = { float: 'float', int: 'integer', uint: 'unsigned', string: 'string', bool: 'boolean' };

export function isNumeric(v: Value): v is number | bigint {
  return typeof v === 'number' || typeof v === 'bigint';
}

export function toNumber(v: number | bigint): number {
  return typeof v === 'number' ? v : Number(v);
}

/** JSON as Go's encoding/json writes it: bigint exactly, <, >, & escaped. */
export function toJson(value: unknown): string {
  const parts: string[] = [];
  write(value, parts);
  return parts.join('');
}

function write(v: unknown, out: string[]): void {
  if (v === null || v === undefined) out.push('null');
  else if (typeof v === 'bigint') out.push(v.toString());
  else if (typeof v === 'number') out.push(Number.isFinite(v) ? JSON.stringify(v) : 'null');
  else if (typeof v === 'string') out.push(JSON.stringify(v).replace(/[<>&\u2028\u2029]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0')));
  else if (typeof v === 'boolean') out.push(v ? 'true' : 'false');
  else if (Array.isArray(v)) {
    out.push('[');
    for (let i = 0; i < v.length; i++) {
      if (i > 0) out.push(',');
      write(v[i], out);
    }
    out.push(']');
  } else {
    out.push('{');
    let first = true;
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (x === undefined) continue;
      if (!first) out.push(',');
      first = false;
      write(k, out);
      out.push(':');
      write(x, out);
    }
    out.push('}');
  }
}
