// How the composer shows a send's answer: the stored sentence, and one editor mark per line the
// server named, each with that line's own reason (rejected by the parser or dropped by storage).
import { describe, expect, it } from 'vitest';
import type { SendResult } from '../../app/contract.js';
import { serverMarks, storedSentence } from '../../renderer/components/send-outcome.js';

const result = (o: Partial<SendResult>): SendResult => ({ status: 400, statusText: 'Bad Request', durationMs: 1, method: 'POST', url: 'u', headers: [], body: '', errorLines: [], ...o });

describe('send outcome in the composer', () => {
  it('one mark per line, each with its own reason', () => {
    const r = result({
      errorLines: [1, 6],
      lineErrors: [
        { line: 1, reason: 'missing field value', outcome: 'rejected' },
        { line: 6, reason: 'bad timestamp', outcome: 'rejected' },
      ],
    });
    expect(serverMarks(r)).toEqual([
      { line: 1, message: 'server: missing field value' },
      { line: 6, message: 'server: bad timestamp' },
    ]);
  });
  it('a partial write says the point was dropped', () => {
    expect(serverMarks(result({ status: 422, errorLines: [2], lineErrors: [{ line: 2, reason: 'field type conflict: …', outcome: 'dropped' }] }))).toEqual([
      { line: 2, message: 'server dropped this point: field type conflict: …' },
    ]);
  });
  it('the sentence, capitalised', () => {
    expect(storedSentence(result({ stored: { sentence: 'nothing was written: InfluxDB rejects the whole batch when a line is bad (line 2)' } }))).toBe(
      'Nothing was written: InfluxDB rejects the whole batch when a line is bad (line 2)',
    );
    expect(storedSentence(result({ status: 204, stored: { sentence: '4 of 6 points written; lines 2 and 5 dropped' } }))).toBe('4 of 6 points written; lines 2 and 5 dropped');
  });
});
