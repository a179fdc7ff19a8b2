// The editor's placeholder lines are checked as they will be sent, by the document's target: an
// InfluxDB 3 document by 3.x's own rules (what 2.x refuses and 3.x takes, and the reverse).
import { Text } from '@codemirror/state';
import { describe, expect, it } from 'vitest';
import { placeholderDiagnostics } from '../../renderer/editor/placeholders.js';

const ctx = { nowMs: Date.UTC(2026, 11, 3, 14, 0, 0), precision: 'ms' as const, variables: { tag: 'a=b', v: '1' } };
const errorsOf = (r: ReturnType<typeof placeholderDiagnostics>) => r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.line);

describe('placeholder lines by the target', () => {
  // Line 1: a tag value with `=` (3.x takes it, 2.x rules refuse it); line 2: a trailing space (3.x refuses it).
  const doc = Text.of(['m,t=${tag} v=${v} ${now}', 'trail v=${v} ', 'ok v=${v} ${now}']);

  it('an InfluxDB 3 document: 3.x refuses line 2 and takes line 1', () => {
    const r = placeholderDiagnostics(doc, [1, 2, 3], ctx, 'influxdb3', true);
    expect(errorsOf(r)).toEqual([2]);
    expect(r.points).toBe(2);
  });

  it("this app's endpoint (2.x rules): line 1 refused, line 2 taken", () => {
    const r = placeholderDiagnostics(doc, [1, 2, 3], ctx, 'endpoint');
    expect(errorsOf(r)).toEqual([1]);
    expect(r.points).toBe(2);
  });
});
