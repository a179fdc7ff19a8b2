// Every send, kept across restarts: searchable, replayable, clearable.
import { Alert, Badge, Button, Drawer, Group, Stack, Text, TextInput } from '@mantine/core';
import { useEffect, useState } from 'react';
import type { HistoryEntry } from '../../app/contract.js';
import { api } from '../api/index.js';

export function HistoryDrawer(props: { opened: boolean; onClose: () => void; onReplay: (e: HistoryEntry) => void }) {
  const [query, setQuery] = useState('');
  const [entries, setEntries] = useState<HistoryEntry[]>([]);
  const [error, setError] = useState<string>();
  const [confirming, setConfirming] = useState(false);
  const load = () =>
    api
      .listHistory({ query: query || undefined, limit: 200 })
      .then((e) => {
        setEntries(e);
        setError(undefined);
      })
      .catch((e: Error) => setError(e.message));
  useEffect(() => {
    if (!props.opened) setConfirming(false);
    if (props.opened) void load();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [props.opened, query]);
  const clear = async () => {
    setConfirming(false);
    try {
      await api.clearHistory({});
    } catch (e) {
      setError((e as Error).message);
    }
    await load();
  };
  return (
    <Drawer opened={props.opened} onClose={props.onClose} title="History" position="right" size="lg">
      <Stack>
        <Group>
          <TextInput aria-label="Search history" placeholder="Search history" value={query} onChange={(e) => setQuery(e.currentTarget.value)} style={{ flex: 1 }} />
          <Button color="red" variant="light" onClick={() => setConfirming(true)} disabled={entries.length === 0 || confirming}>
            Clear history
          </Button>
        </Group>
        {confirming && (
          <Alert color="red" role="alertdialog" aria-label="Clear history?" title="Clear the whole send history?">
            <Text size="sm">Every entry goes, for good.</Text>
            <Group mt="xs">
              <Button color="red" size="xs" onClick={() => void clear()} data-autofocus>
                Yes, clear history
              </Button>
              <Button variant="default" size="xs" onClick={() => setConfirming(false)}>
                Cancel
              </Button>
            </Group>
          </Alert>
        )}
        {error && <Text c="red">{error}</Text>}
        {entries.length === 0 && <Text c="dimmed">{query ? 'Nothing matches.' : 'Nothing sent yet.'}</Text>}
        {entries.map((e) => (
          <Stack key={e.id} gap={2} className="lp-history-entry">
            <Group justify="space-between">
              <Group gap="xs">
                <Badge color={e.status >= 200 && e.status < 300 ? 'green' : 'red'}>{e.status === 0 ? 'no answer' : e.status}</Badge>
                <Text size="sm">{new Date(e.time).toLocaleString()}</Text>
              </Group>
              <Button
                size="xs"
                variant="light"
                onClick={() => props.onReplay(e)}
                disabled={e.body === undefined}
                title={e.body === undefined ? 'The body was too big to keep (over 1 MiB): only its start is in the history' : 'Load this body and its settings into the composer'}
              >
                Replay
              </Button>
            </Group>
            <Text size="xs">
              {e.profileName} · {e.org ? `${e.org}/` : ''}
              {e.db ?? e.bucket ?? ''}
              {e.rp ? `/${e.rp}` : ''} · {e.precision} · {e.lines} {e.lines === 1 ? 'line' : 'lines'} · {Math.round(e.durationMs)} ms
            </Text>
            <Text size="xs" ff="monospace" lineClamp={2} c="dimmed">
              {e.excerpt}
            </Text>
          </Stack>
        ))}
      </Stack>
    </Drawer>
  );
}
