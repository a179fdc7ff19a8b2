// Cuts a stream of line protocol into upload batches of whole records: a batch boundary never
// splits a record, not even a string value spanning lines or a record split across read chunks.
// Each batch knows which file line each of its lines came from, so a server's "line N" maps back.
// With skipInvalid, records the engine rejects are left out and reported with line and column.
// Pure TS (no Node APIs): it can run wherever the engine runs.
import { LineProtocolParser } from '../../lineprotocol/parse.js';
import type { Dialect, Precision, RecordError } from '../../lineprotocol/types.js';

export interface BatchOptions {
  /** Records per batch (default 5000). */
  batchLines?: number;
  /** Upper bound of a batch's size in UTF-16 units (default 8 MiB), so huge records do not make huge requests. */
  maxChars?: number;
  skipInvalid?: boolean;
  dialect?: Dialect;
  precision?: Precision;
  /**
   * How the target reads a `\r` before `\n` (its profile, lineprotocol/target.ts): `keep`
   * (InfluxDB) makes such a line invalid, so skipInvalid leaves it out. Default strip.
   */
  crlf?: 'keep' | 'strip';
}

export interface Batch {
  /** Sequence number, from 0. */
  index: number;
  text: string;
  /** Records in it. */
  records: number;
  /** Lines of text in it (more than records when a string value spans lines). */
  lines: number;
  /** Batch line → file line: segments of consecutive lines, ascending by batchLine. */
  segments: { batchLine: number; fileLine: number }[];
}

export interface SkippedRecord {
  line: number;
  column: number;
  message: string;
}

/** The file line of a 1-based line of a batch. */
export function fileLineOf(b: Batch, batchLine: number): number {
  let seg = b.segments[0];
  for (const s of b.segments) {
    if (s.batchLine > batchLine) break;
    seg = s;
  }
  return seg.fileLine + (batchLine - seg.batchLine);
}

export class Batcher {
  private readonly parser: LineProtocolParser;
  private readonly batchLines: number;
  private readonly maxChars: number;
  private readonly skipInvalid: boolean;
  private carry = '';
  private text = '';
  private parts: string[] = [];
  private chars = 0;
  private records = 0;
  private lineInBatch = 1;
  private segments: Batch['segments'] = [];
  private contiguousUntil = -1;
  private index = 0;
  private pendingError: RecordError | null = null;
  private seenRecords = 0;
  private lastLine = 0;
  /** Records left out (skipInvalid), in file order; the first `keepSkipped` are kept whole. */
  readonly skipped: SkippedRecord[] = [];
  skippedCount = 0;
  invalidCount = 0;

  constructor(
    o: BatchOptions,
    private readonly emit: (b: Batch) => void,
    private readonly keepSkipped = 100,
  ) {
    this.batchLines = o.batchLines ?? 5000;
    this.maxChars = o.maxChars ?? 8 * 1024 * 1024;
    this.skipInvalid = o.skipInvalid ?? false;
    this.parser = new LineProtocolParser(
      { dialect: o.dialect ?? 'influxdb2', precision: o.precision ?? 'ns', warnings: false, crlf: o.crlf ?? 'strip' },
      {
        error: (e) => {
          this.pendingError = e;
        },
        unit: (start, end, line, newlines) => this.unit(start, end, line, newlines),
      },
      false,
    );
  }

  /** Records seen so far. */
  get recordsSeen(): number {
    return this.seenRecords;
  }

  /** Physical lines read so far. */
  get linesSeen(): number {
    return this.lastLine;
  }

  /** The last file line of a batch. */
  static lastFileLine(b: Batch): number {
    return fileLineOf(b, b.lines);
  }

  push(chunk: string): void {
    const text = this.carry.length > 0 ? this.carry + chunk : chunk;
    this.text = text;
    const consumed = this.parser.run(text, false, 0);
    this.carry = consumed < text.length ? text.slice(consumed) : '';
  }

  /** Flushes what is left; returns the parser's totals. */
  end(): { lines: number; records: number } {
    if (this.carry.length > 0) {
      this.text = this.carry;
      this.carry = '';
      this.parser.run(this.text, true, 0);
    }
    this.flush();
    const s = this.parser.end();
    return { lines: s.lines, records: s.records };
  }

  private unit(start: number, end: number, line: number, newlines: number): void {
    this.lastLine = line + newlines;
    const isRecord = this.parser.stats.records > this.seenRecords;
    this.seenRecords = this.parser.stats.records;
    const error = this.pendingError;
    this.pendingError = null;
    if (!isRecord) return; // blank lines and comments are not sent
    if (error !== null) {
      this.invalidCount++;
      if (this.skipInvalid) {
        this.skippedCount++;
        if (this.skipped.length < this.keepSkipped) this.skipped.push({ line: error.line, column: error.column, message: error.message });
        return;
      }
    }
    let piece = this.text.slice(start, end);
    if (piece.endsWith('\r')) piece = piece.slice(0, -1);
    if (this.records > 0 && (this.records >= this.batchLines || this.chars + piece.length + 1 > this.maxChars)) this.flush();
    if (line !== this.contiguousUntil) this.segments.push({ batchLine: this.lineInBatch, fileLine: line });
    this.parts.push(piece);
    this.chars += piece.length + 1;
    this.records++;
    this.lineInBatch += newlines + 1;
    this.contiguousUntil = line + newlines + 1;
  }

  private flush(): void {
    if (this.records === 0) return;
    this.emit({ index: this.index++, text: this.parts.join('\n'), records: this.records, lines: this.lineInBatch - 1, segments: this.segments });
    this.parts = [];
    this.chars = 0;
    this.records = 0;
    this.lineInBatch = 1;
    this.segments = [];
    this.contiguousUntil = -1;
  }
}
