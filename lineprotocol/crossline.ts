// Warnings that relate one point to earlier ones in the same input: a field written with two
// types (InfluxDB rejects the later write), and the same series and time twice (InfluxDB
// silently overwrites). Memory is bounded so a stream of any size stays in constant memory.
import type { FieldType, Point } from './types.js';

/** What the checks need of a point (a Point has it; the editor keeps just this much). */
export type CheckedPoint = Pick<Point, 'measurement' | 'series' | 'time' | 'timestamped' | 'line'> & {
  fields: readonly { key: string; type: FieldType }[];
};

export interface Finding {
  code: string;
  message: string;
  hint: string;
}

/** Remembered (series, time) pairs before the memory is reset. */
const DUPLICATE_MEMORY = 200_000;

/**
 * A copy of a string that does not keep its parent alive: a slice of a 64 KiB chunk would
 * otherwise pin the whole chunk in memory for as long as it is remembered here.
 */
function own(s: string): string {
  return s.length < 13 ? s : (' ' + s).slice(1);
}

function article(t: FieldType): string {
  return t === 'int' ? 'an integer' : t === 'uint' ? 'an unsigned integer' : t === 'bool' ? 'a boolean' : `a ${t}`;
}

export class CrossLineChecks {
  private fieldTypes = new Map<string, Map<string, { type: FieldType; line: number }>>();
  private seen = new Map<string, Map<string, number>>();
  private seenCount = 0;

  reset(): void {
    this.fieldTypes.clear();
    this.seen.clear();
    this.seenCount = 0;
  }

  /** Checks a point against the ones seen before it; returns what is wrong (usually nothing). */
  check(p: CheckedPoint): Finding[] | null {
    let out: Finding[] | null = null;
    let types = this.fieldTypes.get(p.measurement);
    if (types === undefined) {
      types = new Map();
      this.fieldTypes.set(own(p.measurement), types);
    }
    for (const f of p.fields) {
      const prev = types.get(f.key);
      if (prev === undefined) types.set(own(f.key), { type: f.type, line: p.line });
      else if (prev.type !== f.type) {
        (out ??= []).push({
          code: 'field-type-conflict',
          message: `field "${f.key}" of "${p.measurement}" is ${article(f.type)} here but ${article(prev.type)} on line ${prev.line}; InfluxDB will reject one of them as a field type conflict`,
          hint: `Write every value of "${f.key}" with the same type (e.g. all integers with the i suffix).`,
        });
      }
    }
    if (this.seenCount >= DUPLICATE_MEMORY) {
      // Forget and start over: bounded memory matters more than spotting far-apart repeats.
      this.seen.clear();
      this.seenCount = 0;
    }
    let times = this.seen.get(p.series);
    if (times === undefined) {
      times = new Map();
      this.seen.set(own(p.series), times);
    }
    const before = times.get(p.time);
    if (before !== undefined) {
      (out ??= []).push(
        p.timestamped
          ? {
              code: 'duplicate-point',
              message: `same series and timestamp as line ${before}; InfluxDB keeps one point and overwrites its fields`,
              hint: 'Give each point its own timestamp, or merge the fields into one line.',
            }
          : {
              code: 'duplicate-no-timestamp',
              message: `same series as line ${before} and no timestamp: both get the same server time, so this point overwrites that one`,
              hint: 'Add timestamps to the lines.',
            },
      );
    } else {
      times.set(own(p.time), p.line);
      this.seenCount++;
    }
    return out;
  }
}
