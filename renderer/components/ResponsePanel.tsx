// The server's answer: status, duration, headers, body; or the network error in words.
import { Code, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import type { SendResult } from '../../app/contract.js';
import { serverMarks, storedSentence } from './send-outcome.js';

const LISTED = 20;

/** Each line the server named, with its own reason; marked in the editor too. */
function ServerLines({ result }: { result: SendResult }) {
  const marks = serverMarks(result);
  return (
    <>
      <Text size="sm" c="red">
        The server named {marks.length === 1 ? '1 line' : `${marks.length.toLocaleString('en')} lines`}: marked in the editor until the next edit.
      </Text>
      <ul aria-label="Lines the server named" className="lp-problem-list lp-server-lines">
        {marks.slice(0, LISTED).map((m) => (
          <li key={m.line}>
            <Text size="xs" ff="monospace">
              line {m.line}: {m.message}
            </Text>
          </li>
        ))}
      </ul>
      {marks.length > LISTED && (
        <Text size="xs" c="dimmed">
          {(marks.length - LISTED).toLocaleString('en')} more in the Problems list
        </Text>
      )}
    </>
  );
}

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
            <Text size="sm" fw={600} c={r.status >= 200 && r.status < 300 ? undefined : 'red.8'} data-testid="response-stored">
              {storedSentence(r)}.
            </Text>
            {r.errorLines.length > 0 && <ServerLines result={r} />}
            {r.body !== '' && (
              <Code block className="lp-response-body">
                {prettyBody(r.body)}
              </Code>
            )}
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
