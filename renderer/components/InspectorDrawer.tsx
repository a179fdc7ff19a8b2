// The request inspector: the local endpoint's last requests, live (polled while open): who,
// what, how it authenticated (never the secret), the answer, and the body in the editor's
// highlighting with its diagnostics underlined and listed (RequestDetails).
import { Badge, Drawer, Group, SegmentedControl, Stack, Text, UnstyledButton } from '@mantine/core';
import { useEffect, useState } from 'react';
import type { RequestEntry } from '../../app/contract.js';
import { api } from '../api/index.js';
import { RequestDetails } from './RequestDetails.js';
import { requestFacts, type ComposerLoad } from './request-entry.js';

const POLL_MS = 1000;

export function InspectorDrawer(props: { opened: boolean; onClose: () => void; onOpenInComposer?: (load: ComposerLoad) => void }) {
  const [status, setStatus] = useState<'all' | '2xx' | '4xx' | '5xx'>('all');
  const [entries, setEntries] = useState<RequestEntry[]>([]);
  const [selected, setSelected] = useState<number | null>(null);
  const [error, setError] = useState<string>();
  useEffect(() => {
    if (!props.opened) return;
    let stop = false;
    const load = () =>
      api
        .listRequests({ status })
        .then((e) => {
          if (stop) return;
          setEntries(e);
          setError(undefined);
        })
        .catch((e: Error) => setError(e.message));
    void load();
    const timer = setInterval(load, POLL_MS);
    return () => {
      stop = true;
      clearInterval(timer);
    };
  }, [props.opened, status]);
  const current = entries.find((e) => e.id === selected);
  return (
    <Drawer opened={props.opened} onClose={props.onClose} title="Request inspector" position="right" size="xl">
      <Stack>
        <SegmentedControl
          aria-label="Filter by status"
          value={status}
          onChange={(v) => setStatus(v as typeof status)}
          data={[
            { value: 'all', label: 'All' },
            { value: '2xx', label: '2xx' },
            { value: '4xx', label: '4xx' },
            { value: '5xx', label: '5xx' },
          ]}
        />
        {error && <Text c="red">{error}</Text>}
        {entries.length === 0 && <Text c="dimmed">No requests to the endpoint yet. Point curl or a client at it and they show up here.</Text>}
        <ul aria-label="Requests" className="lp-problem-list">
          {entries.map((e) => (
            <li key={e.id}>
              <UnstyledButton onClick={() => setSelected(e.id)} className="lp-problem" aria-current={e.id === selected}>
                <Group gap="xs" wrap="nowrap">
                  <Badge color={e.status < 300 ? 'green' : e.status < 500 ? 'orange' : 'red'} style={{ flex: 'none' }}>
                    {e.status}
                  </Badge>
                  <Text size="sm" ff="monospace" style={{ wordBreak: 'break-all' }}>
                    {e.method} {e.path}
                    {e.query ?? ''}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {requestFacts(e, new Date(e.time).toLocaleTimeString())}
                  </Text>
                </Group>
                {e.error && (
                  <Text size="xs" c="red" lineClamp={2}>
                    {e.error}
                  </Text>
                )}
              </UnstyledButton>
            </li>
          ))}
        </ul>
        {current && <RequestDetails entry={current} onOpenInComposer={props.onOpenInComposer} />}
      </Stack>
    </Drawer>
  );
}
