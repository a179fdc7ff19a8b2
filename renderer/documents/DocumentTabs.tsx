// The tab strip above the editor: one tab per document (its name, a dot while unsaved), a close
// button (middle-click closes too), "New document". Closing a document with unsaved changes asks first.
import { ActionIcon, Button, Group, Modal, Text } from '@mantine/core';
import { useState } from 'react';
import type { Doc } from './documents.js';

export function DocumentTabs(props: {
  docs: readonly Doc[];
  activeId: string;
  modKey: string;
  onSelect: (id: string) => void;
  onClose: (id: string) => void;
  onNew: () => void;
}) {
  const [confirm, setConfirm] = useState<Doc | null>(null);
  const close = (d: Doc) => (d.dirty ? setConfirm(d) : props.onClose(d.id));
  return (
    <Group gap={4} wrap="nowrap" align="flex-end" style={{ flex: 1, minWidth: 0 }}>
      <div role="tablist" aria-label="Documents" className="lp-tabs">
        {props.docs.map((d) => (
          <div key={d.id} className="lp-tab" data-active={d.id === props.activeId || undefined}>
            <button
              type="button"
              role="tab"
              id={`tab-${d.id}`}
              aria-selected={d.id === props.activeId}
              aria-controls="lp-document"
              tabIndex={d.id === props.activeId ? 0 : -1}
              className="lp-tab-button"
              title={d.dirty ? `${d.name} (unsaved changes)` : d.name}
              onClick={() => props.onSelect(d.id)}
              // The tab list's own keys: arrows move between tabs, Delete closes (asking first when unsaved).
              onKeyDown={(e) => {
                const i = props.docs.findIndex((x) => x.id === d.id);
                const to = e.key === 'ArrowRight' ? i + 1 : e.key === 'ArrowLeft' ? i - 1 : e.key === 'Home' ? 0 : e.key === 'End' ? props.docs.length - 1 : null;
                if (e.key === 'Delete') {
                  e.preventDefault();
                  close(d);
                } else if (to !== null) {
                  e.preventDefault();
                  const next = props.docs[(to + props.docs.length) % props.docs.length];
                  props.onSelect(next.id);
                  document.getElementById(`tab-${next.id}`)?.focus();
                }
              }}
              // Middle-click closes, as in a browser or an editor.
              onMouseDown={(e) => e.button === 1 && e.preventDefault()}
              onAuxClick={(e) => {
                if (e.button !== 1) return;
                e.preventDefault();
                close(d);
              }}
            >
              {d.name}
              {d.dirty && <span className="lp-dirty" aria-hidden="true" data-testid="unsaved-dot" />}
            </button>
            <ActionIcon size="sm" variant="subtle" color="gray" aria-label={`Close ${d.name}`} onClick={() => close(d)}>
              ×
            </ActionIcon>
          </div>
        ))}
      </div>
      <Button size="compact-sm" variant="subtle" onClick={props.onNew} title={`New document (${props.modKey}+Alt+N)`}>
        New document
      </Button>
      <Modal opened={confirm !== null} onClose={() => setConfirm(null)} title="Unsaved changes" centered>
        <Text size="sm">“{confirm?.name}” has unsaved changes. Close it and lose them?</Text>
        <Group justify="flex-end" mt="md">
          <Button variant="default" onClick={() => setConfirm(null)}>
            Cancel
          </Button>
          <Button
            color="red"
            onClick={() => {
              if (confirm) props.onClose(confirm.id);
              setConfirm(null);
            }}
          >
            Close without saving
          </Button>
        </Group>
      </Modal>
    </Group>
  );
}
