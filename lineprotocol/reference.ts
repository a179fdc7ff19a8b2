// PLACEHOLDER (overwrite freely): the reference dialect is being written by another engineer.
import type { RecordContext, RecordResult } from './record.js';
export function referenceRecordEnd(text: string, pos: number): number {
  const i = text.indexOf('\n', pos);
  return i < 0 ? text.length : i;
}
export function parseReferenceRecord(_text: string, _start: number, _end: number, _ctx: RecordContext): RecordResult | null {
  return null;
}
