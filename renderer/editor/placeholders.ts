// Placeholders in the editor (app/placeholders.ts): highlighted, shown resolved on hover, and
// checked after substitution: a line holding one is validated as it will be sent (its findings
// mapped back to the columns as written), and an unknown variable is an error at its position.
import type { Text } from '@codemirror/state';
import { Decoration, hoverTooltip, MatchDecorator, ViewPlugin, type DecorationSet, type EditorView, type ViewUpdate } from '@codemirror/view';
import { resolveOne, substituteLine, type PlaceholderContext } from '../../app/placeholders.js';
import { validate } from '../../lineprotocol/parse.js';
import { checkInfluxdb3 } from '../../lineprotocol/influxdb3-dialect.js';
import { checkedAsInfluxdb3, targetParseOptions, type TargetKind } from '../../lineprotocol/target.js';
import type { Diagnostic } from '../../lineprotocol/types.js';

const mark = Decoration.mark({ class: 'lp-placeholder' });
const matcher = new MatchDecorator({ regexp: /\$\{[^}\n]{0,200}\}/g, decoration: () => mark });

/** Marks every `${…}` in view. */
export const placeholderHighlight = ViewPlugin.fromClass(
  class {
    decorations: DecorationSet;
    constructor(view: EditorView) {
      this.decorations = matcher.createDeco(view);
    }
    update(u: ViewUpdate) {
      this.decorations = matcher.updateDeco(u, this.decorations);
    }
  },
  { decorations: (v) => v.decorations },
);

/** Hovering a placeholder shows what it stands for now (or why it cannot be resolved). */
export function placeholderHover(context: () => PlaceholderContext) {
  return hoverTooltip((view, pos) => {
    const line = view.state.doc.lineAt(pos);
    for (const m of line.text.matchAll(/\$\{([^}\n]{0,200})\}/g)) {
      const from = line.from + m.index;
      const to = from + m[0].length;
      if (pos < from || pos > to) continue;
      const ctx = context();
      const r = resolveOne(m[1], ctx);
      const text = 'value' in r ? `${m[0]} = ${r.value}${/^\s*now/.test(m[1]) ? ` (${ctx.precision})` : ''}` : r.error;
      return {
        pos: from,
        end: to,
        above: true,
        create: () => {
          const dom = document.createElement('div');
          dom.className = 'cm-placeholder-tooltip';
          dom.textContent = text;
          return { dom };
        },
      };
    }
    return null;
  });
}

/** Lines (1-based) holding a placeholder; none without a `${` in the document. */
export function placeholderLines(doc: Text): number[] {
  const out: number[] = [];
  let n = 0;
  for (const iter = doc.iterLines(); !iter.next().done; ) {
    n++;
    if (iter.value.includes('${')) out.push(n);
  }
  return out;
}

/**
 * The findings of the placeholder lines, each validated after substitution, in the columns as
 * written, and how many of those lines are points once substituted.
 */
export function placeholderDiagnostics(doc: Text, lines: readonly number[], ctx: PlaceholderContext, target: TargetKind, autoPrecision = false): { diagnostics: Diagnostic[]; points: number } {
  const out: Diagnostic[] = [];
  let points = 0;
  for (const n of lines) {
    const text = doc.line(n).text;
    const sub = substituteLine(text, ctx);
    for (const s of sub.spans) {
      if (s.error !== undefined) out.push({ line: n, column: s.from + 1, endColumn: s.to + 1, severity: 'error', code: 'placeholder', message: s.error });
    }
    // A line whose placeholder cannot be resolved is reported for that alone.
    if (sub.spans.some((s) => s.error !== undefined)) continue;
    const checked = checkLine(sub.text, target, ctx.precision, autoPrecision);
    points += checked.stats.points;
    for (const d of checked.diagnostics) {
      if (d.line !== 1 || (d.endLine !== undefined && d.endLine !== 1)) continue;
      const column = sub.column(d.column);
      out.push({ ...d, line: n, endLine: undefined, column, endColumn: Math.max(column + 1, sub.column(d.endColumn)) });
    }
  }
  return { diagnostics: out, points };
}

/** One substituted line by the target's rules: InfluxDB 3's own parser and schema rules for a 3.x target (as the worker checks the rest). */
function checkLine(text: string, target: TargetKind, precision: PlaceholderContext['precision'], autoPrecision: boolean): { diagnostics: Diagnostic[]; stats: { points: number } } {
  if (!checkedAsInfluxdb3(target)) return validate(text, targetParseOptions(target, precision));
  const diagnostics: Diagnostic[] = [];
  const stats = checkInfluxdb3(text, { precision: autoPrecision ? 'auto' : precision === 'm' || precision === 'h' ? 'ns' : precision }, { error: (_e, d) => diagnostics.push(d), warning: (d) => diagnostics.push(d) });
  return { diagnostics, stats };
}
