// The fast way to cut batches when nothing is left out (no skipInvalid): records are found in the
// file's bytes with InfluxDB's scanLine rules (a newline inside a quoted field value does not end
// a record), without parsing them — the server validates anyway. Bytes go to the wire as they
// came (no decode and re-encode), so cutting costs a fraction of a full parse. Batches are the
// same as the validating Batcher's (a property test checks it): same records, lines, file lines.
// Pure TS on Uint8Array: runs wherever the engine runs.
import type { Batch, BatchOptions } from './batcher.js';

const NEWLINE = 10;
const CR = 13;
const SPACE = 32;
const TAB = 9;
const NUL = 0;
const HASH = 35;
const QUOTE = 34;
const BACKSLASH = 92;
const EQUALS = 61;
const COMMA = 44;

/** influxRecordEnd over UTF-8 bytes (multi-byte sequences never contain these ASCII bytes). */
function recordEnd(b: Uint8Array, pos: number, len: number): number {
  let i = pos;
  let quoted = false;
  let fields = false;
  let equals = 0;
  let commas = 0;
  while (i < len) {
    const c = b[i];
    if (c === BACKSLASH && i + 2 < len) {
      i += 2;
      continue;
    }
    if (c === SPACE) fields = true;
    if (fields) {
      if (!quoted && c === EQUALS) {
        i++;
        equals++;
        continue;
      } else if (!quoted && c === COMMA) {
        i++;
        commas++;
        continue;
      } else if (c === QUOTE && equals > commas) {
        i++;
        quoted = !quoted;
        continue;
      }
    }
    if (c === NEWLINE && !quoted) return i;
    i++;
  }
  return len;
}

/** A batch whose text is decoded only when asked (to map a server's error back to lines). */
class ByteBatch implements Batch {
  private decoded: string | undefined;
  constructor(
    readonly index: number,
    readonly bytes: Uint8Array,
    readonly records: number,
    readonly lines: number,
    readonly segments: Batch['segments'],
  ) {}
  get text(): string {
    return (this.decoded ??= new TextDecoder('utf-8').decode(this.bytes));
  }
}

export class ByteBatcher {
  private readonly batchLines: number;
  private readonly maxBytes: number;
  private carry: Uint8Array = new Uint8Array(0);
  private pieces: Uint8Array[] = [];
  private bytes = 0;
  private records = 0;
  private lineInBatch = 1;
  private segments: Batch['segments'] = [];
  private contiguousUntil = -1;
  private index = 0;
  /** The next file line to be read. */
  private line = 1;
  private seenRecords = 0;
  /** Nothing is skipped here (kept for the Batcher's interface). */
  readonly skipped: never[] = [];
  readonly skippedCount = 0;

  constructor(
    o: BatchOptions,
    private readonly emit: (b: Batch & { bytes: Uint8Array }) => void,
  ) {
    this.batchLines = o.batchLines ?? 5000;
    this.maxBytes = o.maxChars ?? 8 * 1024 * 1024;
  }

  get recordsSeen(): number {
    return this.seenRecords;
  }

  /** Physical lines read so far. */
  get linesSeen(): number {
    return this.line - 1;
  }

  push(chunk: Uint8Array): void {
    let buf = chunk;
    if (this.carry.length > 0) {
      buf = new Uint8Array(this.carry.length + chunk.length);
      buf.set(this.carry);
      buf.set(chunk, this.carry.length);
    }
    const used = this.run(buf, false);
    this.carry = used < buf.length ? buf.slice(used) : new Uint8Array(0);
  }

  end(): { lines: number; records: number } {
    if (this.carry.length > 0) {
      const buf = this.carry;
      this.carry = new Uint8Array(0);
      this.run(buf, true);
    }
    this.flush();
    return { lines: this.line - 1 + (this.partial ? 1 : 0), records: this.seenRecords };
  }

  /** The last line had no newline (counted as a line at the end, as the parser does). */
  private partial = false;

  private run(b: Uint8Array, final: boolean): number {
    const len = b.length;
    let pos = 0;
    let nextQuote = -1;
    let nextBackslash = -1;
    while (pos < len) {
      let recEnd: number;
      let newlines = 0;
      const nl = b.indexOf(NEWLINE, pos);
      if (nextQuote < pos && nextQuote !== Infinity) {
        const q = b.indexOf(QUOTE, pos);
        nextQuote = q < 0 ? Infinity : q;
      }
      if (nextBackslash < pos && nextBackslash !== Infinity) {
        const q = b.indexOf(BACKSLASH, pos);
        nextBackslash = q < 0 ? Infinity : q;
      }
      const limit = nl < 0 ? len : nl;
      if (limit < nextQuote && limit < nextBackslash) recEnd = limit;
      else {
        recEnd = recordEnd(b, pos, len);
        for (let i = b.indexOf(NEWLINE, pos); i >= 0 && i < recEnd; i = b.indexOf(NEWLINE, i + 1)) newlines++;
      }
      // A record ending in the last two bytes waits for more: a backslash there escapes the
      // newline only when more text follows (InfluxDB's scanLine).
      if (!final && recEnd >= len - 2) break;
      let contentEnd = recEnd;
      if (recEnd >= len && recEnd > pos && b[recEnd - 1] === NEWLINE) contentEnd--;
      if (recEnd < len && recEnd > pos && b[recEnd - 1] === CR) contentEnd--;
      this.record(b, pos, contentEnd, recEnd, newlines);
      this.partial = recEnd >= len && recEnd > pos && b[len - 1] !== NEWLINE;
      this.line += newlines + (recEnd < len ? 1 : 0);
      pos = recEnd + 1;
    }
    return pos > len ? len : pos;
  }

  private record(b: Uint8Array, pos: number, contentEnd: number, recEnd: number, newlines: number): void {
    let s = pos;
    while (s < contentEnd && (b[s] === SPACE || b[s] === TAB || b[s] === NUL)) s++;
    if (s >= contentEnd || b[s] === HASH) return; // blank lines and comments are not sent
    this.seenRecords++;
    // What the validating Batcher sends: the unit without its final CR.
    let end = recEnd;
    if (end > pos && b[end - 1] === CR) end--;
    const piece = b.subarray(pos, end);
    if (this.records > 0 && (this.records >= this.batchLines || this.bytes + piece.length + 1 > this.maxBytes)) this.flush();
    if (this.line !== this.contiguousUntil) this.segments.push({ batchLine: this.lineInBatch, fileLine: this.line });
    this.pieces.push(piece);
    this.bytes += piece.length + 1;
    this.records++;
    this.lineInBatch += newlines + 1;
    this.contiguousUntil = this.line + newlines + 1;
  }

  private flush(): void {
    if (this.records === 0) return;
    // Records joined by '\n' (no final newline), copied out of the read chunks.
    const out = new Uint8Array(this.bytes - 1);
    let at = 0;
    for (let i = 0; i < this.pieces.length; i++) {
      if (i > 0) out[at++] = NEWLINE;
      out.set(this.pieces[i], at);
      at += this.pieces[i].length;
    }
    this.emit(new ByteBatch(this.index++, out, this.records, this.lineInBatch - 1, this.segments) as Batch & { bytes: Uint8Array });
    this.pieces = [];
    this.bytes = 0;
    this.records = 0;
    this.lineInBatch = 1;
    this.segments = [];
    this.contiguousUntil = -1;
  }
}
