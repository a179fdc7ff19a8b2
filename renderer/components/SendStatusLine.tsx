// The last send's outcome, always in view (a line fixed at the window's foot): the status code
// and the one sentence of what the server stored, whatever the window's size or scroll.
import { Text } from '@mantine/core';
import type { SendResult } from '../../app/contract.js';
import { statusLine } from './ResponsePanel.js';
import { storedSentence } from './send-outcome.js';

export function SendStatusLine(props: { result?: SendResult; error?: string; sending: boolean; modKey: string; idle?: string }) {
  const r = props.result;
  const ok = r !== undefined && r.status >= 200 && r.status < 300;
  const text = props.sending
    ? 'Sending…'
    : props.error !== undefined
      ? `Not sent: ${props.error}`
      : r === undefined
        ? `${props.idle ?? 'Nothing sent yet'}: ${props.modKey}+Enter sends.`
        : `${statusLine(r)} — ${storedSentence(r)}`;
  const tone = props.sending || (r === undefined && props.error === undefined) ? 'dimmed' : ok ? 'green.9' : 'red.8';
  return (
    <div className="lp-send-status" role="status" aria-label="Last send" data-outcome={props.sending ? 'sending' : ok ? 'ok' : r || props.error ? 'failed' : 'none'}>
      <Text size="sm" c={tone} fw={r || props.error ? 600 : 400} truncate="end" title={text}>
        {text}
      </Text>
    </div>
  );
}
