// Two panes side by side with a draggable, keyboard-accessible separator between them (WAI-ARIA
// window splitter: role="separator", arrow keys, Home/End). The split is remembered. Narrow
// windows stack the panes (styles.css), where the handle is hidden.
import { useRef, useState, type KeyboardEvent, type PointerEvent, type ReactNode } from 'react';

const MIN = 25;
const MAX = 80;
const STEP = 5;
const clamp = (v: number) => Math.min(MAX, Math.max(MIN, v));

function stored(key: string, fallback: number): number {
  try {
    const v = Number(localStorage.getItem(key));
    return Number.isFinite(v) && v > 0 ? clamp(v) : fallback;
  } catch {
    return fallback;
  }
}

export function SplitPane(props: { left: ReactNode; right: ReactNode; label: string; storageKey: string; initial?: number }) {
  const [pct, setPctState] = useState(() => stored(props.storageKey, props.initial ?? 58));
  const box = useRef<HTMLDivElement>(null);
  const dragging = useRef(false);
  const setPct = (v: number) => {
    const next = Math.round(clamp(v) * 10) / 10;
    setPctState(next);
    try {
      localStorage.setItem(props.storageKey, String(next));
    } catch {
      // storage unavailable: the split is just not remembered
    }
  };
  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    dragging.current = true;
    e.currentTarget.setPointerCapture(e.pointerId);
    e.preventDefault();
  };
  const onPointerMove = (e: PointerEvent<HTMLDivElement>) => {
    if (!dragging.current || box.current === null) return;
    const r = box.current.getBoundingClientRect();
    if (r.width > 0) setPct(((e.clientX - r.left) / r.width) * 100);
  };
  const onPointerUp = (e: PointerEvent<HTMLDivElement>) => {
    dragging.current = false;
    if (e.currentTarget.hasPointerCapture(e.pointerId)) e.currentTarget.releasePointerCapture(e.pointerId);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const to: Record<string, number> = { ArrowLeft: pct - STEP, ArrowRight: pct + STEP, Home: MIN, End: MAX };
    if (!(e.key in to)) return;
    e.preventDefault();
    setPct(to[e.key]);
  };
  return (
    <div ref={box} className="lp-split" style={{ ['--lp-split' as string]: `${pct}%` }}>
      <div className="lp-split-pane">{props.left}</div>
      <div
        role="separator"
        aria-orientation="vertical"
        aria-label={props.label}
        aria-valuemin={MIN}
        aria-valuemax={MAX}
        aria-valuenow={Math.round(pct)}
        tabIndex={0}
        className="lp-split-handle"
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerCancel={onPointerUp}
        onKeyDown={onKeyDown}
        onDoubleClick={() => setPct(props.initial ?? 58)}
        title="Drag, or focus and use the arrow keys, to resize"
      />
      <div className="lp-split-pane">{props.right}</div>
    </div>
  );
}
