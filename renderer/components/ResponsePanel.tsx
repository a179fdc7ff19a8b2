// The server's answer: status, duration, headers, body; or the network error in words.
import { Code, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import type { SendResult } from '../../app/contract.js';

export function ResponsePanel(props: { result?: SendResult; error?: string }) {
  const r = props.result;
  return (
    <Paper withBorder p="sm" role="region" aria-label="Response">
      <Stack gap="xs">
        <Title order={4}>Response</Title>
        {props.error && (
          <Text c="red" role="alert">
            {props.error}
          </Text>
        )}
        {!r && !props.error && (
          <Text size="sm" c="dimmed">
            Send to see the server's answer here (Ctrl+Enter).
          </Text>
        )}
        {r && (
          <>
            <Group gap="xs">
              <Text fw={700} c={r.status >= 200 && r.status < 300 ? 'green.8' : 'red.8'} data-testid="response-status">
                {statusLine(r)}
              </Text>
              <Text size="sm" c="dimmed">
                {r.method} {r.url}
              </Text>
            </Group>
            {r.error && (
              <Text c="red" role="alert">
                {r.status === 0 ? 'Network error: ' : ''}
                {r.error}
              </Text>
            )}
            {r.errorLines.length > 0 && (
              <Text size="sm" c="red">
                The server named {r.errorLines.length === 1 ? `line ${r.errorLines[0]}` : `lines ${r.errorLines.slice(0, 10).join(', ')}${r.errorLines.length > 10 ? ', …' : ''}`}: marked in the editor until the next edit.
              </Text>
            )}
            {r.body !== '' && <Code block>{prettyBody(r.body)}</Code>}
            {r.headers.length > 0 && (
              <details>
                <summary>Headers ({r.headers.length})</summary>
                <Table fz="xs" withRowBorders={false}>
                  <Table.Tbody>
                    {r.headers.map(([k, v], i) => (
                      <Table.Tr key={i}>
                        <Table.Td>{k}</Table.Td>
                        <Table.Td>{v}</Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </details>
            )}
          </>
        )}
      </Stack>
    </Paper>
  );
}

/** `204 No Content · 12 ms`; `No answer · 3012 ms` when no HTTP answer came. */
export function statusLine(r: Pick<SendResult, 'status' | 'statusText' | 'durationMs'>): string {
  const ms = `${Math.round(r.durationMs).toLocaleString('en')} ms`;
  return r.status === 0 ? `No answer · ${ms}` : `${r.status}${r.statusText ? ` ${r.statusText}` : ''} · ${ms}`;
}

function prettyBody(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}
