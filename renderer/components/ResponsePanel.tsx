// The server's answer: status, duration, headers, body; or the network error in words.
import { Badge, Code, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import type { SendResult } from '../../app/contract.js';

export function ResponsePanel(props: { result?: SendResult; error?: string }) {
  const r = props.result;
  return (
    <Paper withBorder p="sm" role="region" aria-label="Response">
      <Stack gap="xs">
        <Title order={4}>Response</Title>
        {props.error && <Text c="red">{props.error}</Text>}
        {!r && !props.error && (
          <Text size="sm" c="dimmed">
            Send to see the server's answer here (Ctrl+Enter).
          </Text>
        )}
        {r && (
          <>
            <Group gap="xs">
              <Badge color={r.status >= 200 && r.status < 300 ? 'green' : r.status === 0 ? 'gray' : 'red'} size="lg">
                {r.status === 0 ? 'no answer' : `${r.status} ${r.statusText}`}
              </Badge>
              <Text size="sm">· {r.durationMs} ms</Text>
              <Text size="sm" c="dimmed">
                {r.method} {r.url}
              </Text>
            </Group>
            {r.error && <Text c="red">{r.error}</Text>}
            {r.body !== '' && <Code block>{prettyBody(r.body)}</Code>}
            {r.headers.length > 0 && (
              <details>
                <summary>Headers ({r.headers.length})</summary>
                <Table fz="xs" withRowBorders={false}>
                  <Table.Tbody>
                    {r.headers.map(([k, v]) => (
                      <Table.Tr key={k}>
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

function prettyBody(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}
