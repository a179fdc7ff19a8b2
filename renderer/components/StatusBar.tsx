import { Group, Text } from '@mantine/core';
import type { DocumentStats } from '../../lineprotocol/incremental.js';

const plural = (n: number, one: string) => `${n.toLocaleString('en')} ${one}${n === 1 ? '' : 's'}`;

/** e.g. `3 lines · 3 points · 0 errors · 0 warnings`. */
export function statusText(s: DocumentStats): string {
  return [plural(s.lines, 'line'), plural(s.points, 'point'), plural(s.errors, 'error'), plural(s.warnings, 'warning')].join(' · ');
}

export function StatusBar(props: { stats: DocumentStats; checking: boolean }) {
  return (
    <Group justify="space-between" px="xs" py={4} className="lp-status">
      <Text size="sm" role="status" aria-label="Editor status">
        {statusText(props.stats)}
      </Text>
      {props.checking && (
        <Text size="xs" c="dimmed">
          checking…
        </Text>
      )}
    </Group>
  );
}
