// Hovering a timestamp shows its date in UTC under the selected precision.
import { hoverTooltip } from '@codemirror/view';
import type { Precision } from '../../lineprotocol/types.js';

const UNIT_NS: Record<Precision, bigint> = { ns: 1n, us: 1_000n, ms: 1_000_000n, s: 1_000_000_000n, m: 60_000_000_000n, h: 3_600_000_000_000n };

/** "2020-01-01T00:00:00.000000000Z (ns)" for a timestamp in `precision`. */
export function timestampText(raw: string, precision: Precision): string {
  const ns = BigInt(raw) * UNIT_NS[precision];
  const ms = ns / 1_000_000n - (ns < 0n && ns % 1_000_000n !== 0n ? 1n : 0n);
  const d = new Date(Number(ms));
  if (Number.isNaN(d.getTime())) return `${raw} ${precision}: outside the dates a calendar can show`;
  const frac = ((ns % 1_000_000_000n) + 1_000_000_000n) % 1_000_000_000n;
  const iso = d.toISOString().replace(/\.\d{3}Z$/, `.${frac.toString().padStart(9, '0')}Z`);
  return `${iso} (UTC, read as ${precision})`;
}

/** The timestamp of a line of line protocol: its last space-separated element, when it is an integer. */
export function timestampRange(line: string): { from: number; to: number } | null {
  if (/^\s*#/.test(line)) return null;
  const m = /\s(-?\d+)\s*$/.exec(line);
  if (m === null) return null;
  const before = line.slice(0, m.index);
  // Needs a measurement and a field set before it (two unescaped space-separated parts at least).
  if (!/\S[^]*[^\\]\s+\S/.test(before) && !/=/.test(before)) return null;
  const from = m.index + 1;
  return { from, to: from + m[1].length };
}

export function timestampHover(precision: () => Precision) {
  return hoverTooltip((view, pos) => {
    const line = view.state.doc.lineAt(pos);
    const r = timestampRange(line.text);
    if (r === null || pos < line.from + r.from || pos > line.from + r.to) return null;
    const text = timestampText(line.text.slice(r.from, r.to), precision());
    return {
      pos: line.from + r.from,
      end: line.from + r.to,
      above: true,
      create: () => {
        const dom = document.createElement('div');
        dom.className = 'cm-timestamp-tooltip';
        dom.textContent = text;
        return { dom };
      },
    };
  });
}
