// Every diagnostic as a list: keyboard-reachable, click (or Enter) to jump to it.
import { ScrollArea, Text, UnstyledButton } from '@mantine/core';
import { memo } from 'react';
import type { Diagnostic } from '../../lineprotocol/types.js';
import { useLint, type LintStore } from '../editor/lint-store.js';

const SHOWN = 200;

/** Reads the editor's lint store: re-renders when the diagnostics or their count change, not on every keystroke. */
export function Problems(props: { lint: LintStore; onPick: (d: Diagnostic) => void }) {
  const diagnostics = useLint(props.lint, (s) => s.diagnostics);
  const total = useLint(props.lint, (s) => s.stats.errors + s.stats.warnings);
  return <ProblemList diagnostics={diagnostics} total={total} onPick={props.onPick} />;
}

const ProblemList = memo(function ProblemList(props: { diagnostics: Diagnostic[]; total: number; onPick: (d: Diagnostic) => void }) {
  const shown = props.diagnostics.slice(0, SHOWN);
  return (
    <ScrollArea.Autosize mah={180} className="lp-problems">
      <ul aria-label="Problems" className="lp-problem-list">
        {shown.map((d, i) => (
          <li key={`${d.line}:${d.column}:${i}`}>
            <UnstyledButton onClick={() => props.onPick(d)} className={`lp-problem lp-${d.severity}`}>
              <Text size="sm" span fw={600} c={d.severity === 'error' ? 'red' : 'orange'}>
                {d.severity}
              </Text>{' '}
              <Text size="sm" span>
                Line {d.line}, column {d.column}: {d.message}
              </Text>
              {d.hint && (
                <Text size="xs" c="dimmed" span>
                  {' '}
                  — {d.hint}
                </Text>
              )}
            </UnstyledButton>
          </li>
        ))}
      </ul>
      {shown.length === 0 && (
        <Text size="xs" c="dimmed" px="xs" py={4}>
          No problems found.
        </Text>
      )}
      {props.total > shown.length && (
        <Text size="xs" c="dimmed" px="xs">
          {props.total - shown.length} more not listed
        </Text>
      )}
    </ScrollArea.Autosize>
  );
});
