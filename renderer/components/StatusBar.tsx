import { Group, Text } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import type { DocumentStats } from '../../lineprotocol/incremental.js';

const plural = (n: number, one: string) => `${n.toLocaleString('en')} ${one}${n === 1 ? '' : 's'}`;

/** e.g. `3 lines · 3 points · 0 errors · 0 warnings`. */
export function statusText(s: DocumentStats): string {
  return [plural(s.lines, 'line'), plural(s.points, 'point'), plural(s.errors, 'error'), plural(s.warnings, 'warning')].join(' · ');
}

export function StatusBar(props: { stats: DocumentStats; checking: boolean; modKey?: string }) {
  // "checking…" only when the cross-line checks take a while (a big document), not on every keystroke.
  const [stillChecking] = useDebouncedValue(props.checking, 400);
  return (
    <Group justify="space-between" px="xs" py={4} className="lp-status">
      <Text size="sm" role="status" aria-label="Editor status">
        {statusText(props.stats)}
      </Text>
      <Text size="xs" c="dimmed">
        {props.checking && stillChecking ? 'checking…' : `${props.modKey ?? 'Ctrl'}+Shift+M: problems with quick fixes · F8: next problem`}
      </Text>
    </Group>
  );
}
