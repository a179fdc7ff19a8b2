// Reads ../shared/conformance/influxdb-parser-vectors.txt: inputs run through InfluxDB's own Go
// parser, with the exact points or error texts each version produced.
import { readFileSync } from 'node:fs';
import { sharedPath } from './shared.js';

export interface VectorCase {
  /** Part A (per-version results, JSON quoting) or B (Go %q quoting, same in 1.x and 2.x, now = 0). */
  part: 'A' | 'B';
  input: string;
  /** Raw precision parameter ('' when the vector says '-'). */
  precision: string;
  /** Expected result line per version label ('2.x', '1.x', '1.8'); part B uses 'both'. */
  expected: Map<string, string>;
  lineNo: number;
}

/** Decodes a Go %q string literal (a superset of what JSON escapes). */
export function goUnquote(lit: string): string {
  let out = '';
  for (let i = 1; i < lit.length - 1; i++) {
    const c = lit[i];
    if (c !== '\\') {
      out += c;
      continue;
    }
    const n = lit[++i];
    switch (n) {
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case 'r': out += '\r'; break;
      case 'a': out += '\x07'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'v': out += '\v'; break;
      case 'x': out += String.fromCharCode(parseInt(lit.slice(i + 1, i + 3), 16)); i += 2; break;
      case 'u': out += String.fromCharCode(parseInt(lit.slice(i + 1, i + 5), 16)); i += 4; break;
      case 'U': out += String.fromCodePoint(parseInt(lit.slice(i + 1, i + 9), 16)); i += 8; break;
      default: out += n;
    }
  }
  return out;
}

const STRING_LITERAL = /"(?:[^"\\]|\\.)*"/g;

/** Rewrites every quoted string to one canonical quoting so renderings can be compared. */
export function canonicalQuotes(line: string, go: boolean): string {
  return line.replace(STRING_LITERAL, (m) => JSON.stringify(go ? goUnquote(m) : JSON.parse(m)));
}

export function readVectors(): VectorCase[] {
  const lines = readFileSync(sharedPath('conformance', 'influxdb-parser-vectors.txt'), 'utf8').split('\n');
  const cases: VectorCase[] = [];
  let part: 'A' | 'B' = 'A';
  let current: VectorCase | null = null;
  lines.forEach((line, idx) => {
    if (line.startsWith('== Part B')) part = 'B';
    const input = /^INPUT ("(?:[^"\\]|\\.)*")(?:\s+precision=(\S+))?\s*$/.exec(line);
    if (input) {
      const prec = input[2] ?? '-';
      current = {
        part,
        input: part === 'A' ? JSON.parse(input[1]) : goUnquote(input[1]),
        precision: prec === '-' ? '' : prec,
        expected: new Map(),
        lineNo: idx + 1,
      };
      cases.push(current);
      return;
    }
    if (current === null) return;
    const versioned = /^\s+(2\.x|1\.x|1\.8): (.*)$/.exec(line);
    if (versioned) current.expected.set(versioned[1], versioned[2].trim());
    const b = /^\s+(point|error): (.*)$/.exec(line);
    if (b) {
      const prev = current.expected.get('both');
      const item = `${b[1]}: ${b[2].trim()}`;
      current.expected.set('both', prev === undefined ? item : `${prev}\n${item}`);
    }
  });
  return cases;
}

/** Go's %v / strconv 'g' formatting of a float64: shortest digits, exponent form when exp < -4 or exp >= 6. */
export function goFloat(v: number): string {
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const [mant, e] = v.toExponential().split('e');
  const exp = Number(e);
  if (exp < -4 || exp >= 6) return `${mant}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  return String(v);
}
