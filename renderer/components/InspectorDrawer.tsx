// The request inspector: the local endpoint's last requests, live (polled while open): who,
// what, how it authenticated (never the secret), the answer, and the body in the editor's
// highlighting with its diagnostics underlined and listed.
import { Badge, Code, Drawer, Group, SegmentedControl, Stack, Text, UnstyledButton } from '@mantine/core';
import { useEffect, useMemo, useState } from 'react';
import type { RequestEntry } from '../../app/contract.js';
import { validate } from '../../lineprotocol/parse.js';
import { parsePrecision } from '../../lineprotocol/precision.js';
import { targetParseOptions } from '../../lineprotocol/target.js';
import type { Precision } from '../../lineprotocol/types.js';
import { ReadOnlyEditor } from '../editor/ReadOnlyEditor.js';
import { api } from '../api/index.js';

const POLL_MS = 1000;

export function InspectorDrawer(props: { opened: boolean; onClose: () => void }) {
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
                  <Badge color={e.status < 300 ? 'green' : e.status < 500 ? 'orange' : 'red'}>{e.status}</Badge>
                  <Text size="sm" ff="monospace">
                    {e.method} {e.path}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {new Date(e.time).toLocaleTimeString()} · {e.client} · {e.auth ?? 'no auth'} · {[e.db, e.rp].filter(Boolean).join('/') || e.bucket || ''}
                    {e.precision ? ` · ${e.precision}` : ''} · {e.durationMs} ms{e.lines !== undefined ? ` · ${e.lines} lines` : ''}
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
        {current && <RequestBody entry={current} />}
      </Stack>
    </Drawer>
  );
}

function RequestBody(props: { entry: RequestEntry }) {
  const body = props.entry.body ?? '';
  // Every request here went to this app's endpoint: its own rules judge the body (CRLF accepted, with a warning naming who refuses it).
  const diagnostics = useMemo(() => validate(body, targetParseOptions('endpoint', precisionOf(props.entry.precision))).diagnostics.slice(0, 100), [body, props.entry.precision]);
  return (
    <Stack gap="xs" role="region" aria-label="Request body">
      <Text fw={600} size="sm">
        Body{body.length >= 64 * 1024 ? ' (first 64 KB)' : ''}
      </Text>
      {body === '' ? <Code block>(empty)</Code> : <ReadOnlyEditor text={body} diagnostics={diagnostics} label="Request body text" height="32vh" />}
      {diagnostics.map((d, i) => (
        <Text key={i} size="xs" c={d.severity === 'error' ? 'red' : 'orange'}>
          {d.severity} Line {d.line}, column {d.column}: {d.message}
        </Text>
      ))}
    </Stack>
  );
}

/** The request's precision as the endpoint read it (`u`, `µ`, `us` … ), ns when absent or unknown. */
function precisionOf(p: string | undefined): Precision {
  return (p === undefined ? undefined : parsePrecision(p)) ?? 'ns';
}
