import { Group, Text } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import type { DocumentStats } from '../../lineprotocol/incremental.js';
import { useLint, type LintStore } from '../editor/lint-store.js';

const plural = (n: number, one: string) => `${n.toLocaleString('en')} ${one}${n === 1 ? '' : 's'}`;

/** e.g. `3 lines · 3 points · 0 errors · 0 warnings`. */
export function statusText(s: DocumentStats): string {
  return [plural(s.lines, 'line'), plural(s.points, 'point'), plural(s.errors, 'error'), plural(s.warnings, 'warning')].join(' · ');
}

export function StatusBar(props: { lint: LintStore; modKey?: string }) {
  const stats = useLint(props.lint, (s) => s.stats);
  const complete = useLint(props.lint, (s) => s.complete);
  const progress = useLint(props.lint, (s) => s.progress);
  const checking = !complete;
  // "checking…" only when the checks take a while (a big document), not on every keystroke.
  const [stillChecking] = useDebouncedValue(checking, 400);
  // While a big document's first check runs in slices: how far it got (the counts are of that part).
  const share = progress < 1 ? ` ${Math.floor(progress * 100)}%` : '';
  return (
    <Group justify="space-between" px="xs" py={4} className="lp-status">
      <Text size="sm" role="status" aria-label="Editor status">
        {statusText(stats)}
      </Text>
      <Text size="xs" c="dimmed" aria-label="Check progress">
        {checking && stillChecking ? `checking…${share}` : `${props.modKey ?? 'Ctrl'}+Shift+M: problems with quick fixes · F8: next problem`}
      </Text>
    </Group>
  );
}
