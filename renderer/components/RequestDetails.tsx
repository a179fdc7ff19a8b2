// One logged request in full: the request line with its query (secrets masked), its headers
// (Authorization as scheme and fingerprint), the body as received with its diagnostics, and the
// answer (status, headers, body). "Open in composer" loads body, db, rp and precision.
import { Badge, Button, Code, Group, Stack, Table, Text } from '@mantine/core';
import { useMemo } from 'react';
import type { RequestEntry } from '../../app/contract.js';
import { validate } from '../../lineprotocol/parse.js';
import { targetParseOptions } from '../../lineprotocol/target.js';
import { checkInfluxdb3 } from '../../lineprotocol/influxdb3-dialect.js';
import type { Diagnostic } from '../../lineprotocol/types.js';
import { ReadOnlyEditor } from '../editor/ReadOnlyEditor.js';
import { composerLoadOf, type ComposerLoad } from './request-entry.js';

const BODY_PREVIEW = 64 * 1024;

export function RequestDetails(props: { entry: RequestEntry; onOpenInComposer?: (load: ComposerLoad) => void }) {
  const e = props.entry;
  const load = useMemo(() => composerLoadOf(e), [e]);
  return (
    <Stack gap="sm">
      <Stack gap={4} role="region" aria-label="Request">
        <Group justify="space-between" wrap="nowrap">
          <Text fw={600} size="sm">
            Request
          </Text>
          {props.onOpenInComposer && (
            <Button size="xs" variant="light" disabled={load.body === ''} onClick={() => props.onOpenInComposer?.(load)}>
              Open in composer
            </Button>
          )}
        </Group>
        <Code block aria-label="Request line">
          {e.method} {e.path}
          {e.query ?? ''}
        </Code>
        <HeaderTable label="Request headers" headers={e.requestHeaders} />
      </Stack>
      <RequestBody entry={e} precision={load.precision} />
      <Stack gap={4} role="region" aria-label="Response to the request">
        <Group gap="xs">
          <Text fw={600} size="sm">
            Response
          </Text>
          <Badge color={e.status < 300 ? 'green' : e.status < 500 ? 'orange' : 'red'}>{e.status}</Badge>
        </Group>
        <HeaderTable label="Response headers" headers={e.responseHeaders} />
        <Code block aria-label="Response body">
          {e.responseBody === undefined || e.responseBody === '' ? '(empty)' : e.responseBody}
        </Code>
      </Stack>
    </Stack>
  );
}

function HeaderTable(props: { label: string; headers?: [string, string][] }) {
  if (props.headers === undefined || props.headers.length === 0) return null;
  return (
    <Table fz="xs" withRowBorders={false} aria-label={props.label} verticalSpacing={2}>
      <Table.Tbody>
        {props.headers.map(([k, v], i) => (
          <Table.Tr key={i}>
            <Table.Td ff="monospace" style={{ whiteSpace: 'nowrap', verticalAlign: 'top' }}>
              {k}
            </Table.Td>
            <Table.Td ff="monospace" style={{ wordBreak: 'break-all' }}>
              {v}
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

function RequestBody(props: { entry: RequestEntry; precision: ComposerLoad['precision'] }) {
  const body = props.entry.body ?? '';
  // Every request here went to this app's endpoint: its own rules judge the body (CRLF accepted, with a warning naming who refuses it).
  // A request to the v3 API (or to 3.x's compat endpoints) is judged by InfluxDB 3's rules.
  const v3 = props.entry.api?.startsWith('v3') === true || props.entry.api?.includes('3.x') === true;
  const diagnostics = useMemo(() => {
    if (!v3) return validate(body, targetParseOptions('endpoint', props.precision)).diagnostics.slice(0, 100);
    const out: Diagnostic[] = [];
    const raw = new URLSearchParams(props.entry.query ?? '').get('precision');
    checkInfluxdb3(body, { precision: props.entry.api === 'v3' && (raw === null || raw === 'auto') ? 'auto' : props.precision === 'm' || props.precision === 'h' ? 'ns' : props.precision }, { error: (_e, d) => out.push(d), warning: (d) => out.push(d) });
    return out.slice(0, 100);
  }, [body, props.precision, props.entry.api, props.entry.query, v3]);
  return (
    <Stack gap="xs" role="region" aria-label="Request body">
      <Text fw={600} size="sm">
        Body{body.length >= BODY_PREVIEW ? ' (first 64 KB)' : ''}
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
