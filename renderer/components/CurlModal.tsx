// "Copy as curl": the request in the forms of InfluxDB's /write docs. The secret never comes to
// this page: the command reads it from a shell variable ($INFLUX_TOKEN, $INFLUX_PASSWORD) or shows
// the docs' placeholder. Opening copies the command shown. In the desktop, "Copy with the secret"
// has the host put the full command on the clipboard; in browser mode the host cannot reach the
// clipboard, so the page says to set the variable instead.
import { Anchor, Button, Code, Group, Modal, SegmentedControl, Stack, Text, Textarea } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import type { SendRequest } from '../../app/contract.js';
import { EXTERNAL_LINKS } from '../../app/external-links.js';
import { api } from '../api/index.js';

/** navigator.clipboard where the page may use it; else the textarea's selection and execCommand. */
async function copyText(text: string, box: HTMLTextAreaElement | null): Promise<boolean> {
  try {
    if (navigator.clipboard) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // fall through to the selection
  }
  if (box === null) return false;
  box.focus();
  box.select();
  return document.execCommand('copy');
}

type Copied = 'shown' | 'with-secret' | 'no-secret' | 'failed' | null;

export function CurlModal(props: { request: SendRequest | null; mode?: 'desktop' | 'browser'; onClose: () => void }) {
  const [secretAs, setSecretAs] = useState<'variable' | 'placeholder'>('variable');
  const [command, setCommand] = useState('');
  const [variable, setVariable] = useState<string>();
  const [error, setError] = useState<string>();
  const [copied, setCopied] = useState<Copied>(null);
  const box = useRef<HTMLTextAreaElement>(null);
  const opened = props.request !== null;

  useEffect(() => {
    if (!opened) setCommand('');
  }, [opened]);

  useEffect(() => {
    if (props.request === null) return;
    let live = true;
    setCopied(null);
    api
      .copyAsCurl({ ...props.request, secretAs })
      .then((r) => {
        if (!live) return;
        setCommand(r.command);
        setVariable(r.variable);
        setError(undefined);
        void copyText(r.command, box.current).then((ok) => live && setCopied(ok ? 'shown' : 'failed'));
      })
      .catch((e: Error) => live && setError(e.message));
    return () => {
      live = false;
    };
  }, [props.request, secretAs]);

  const copyWithSecret = () => {
    if (props.request === null) return;
    api
      .copyAsCurlWithSecret(props.request)
      .then((r) => setCopied(r.withSecret ? 'with-secret' : 'no-secret'))
      .catch((e: Error) => setError(e.message));
  };

  return (
    <Modal opened={opened} onClose={props.onClose} title="Copy as curl" size="xl">
      <Stack gap="sm">
        {error ? (
          <Text c="red" role="alert">
            {error}
          </Text>
        ) : (
          <Textarea ref={box} aria-label="curl command" value={command} readOnly autosize minRows={4} maxRows={16} ff="monospace" onFocus={(e) => e.currentTarget.select()} />
        )}
        <Group justify="space-between">
          <SegmentedControl
            aria-label="Secret in the command"
            value={secretAs}
            onChange={(v) => setSecretAs(v as 'variable' | 'placeholder')}
            data={[
              { value: 'variable', label: 'Read from a shell variable' },
              { value: 'placeholder', label: "Docs' placeholder" },
            ]}
          />
          <Group>
            {copied === 'shown' && <Text size="sm">Copied to the clipboard (without the secret)</Text>}
            {copied === 'with-secret' && <Text size="sm">Copied to the clipboard with the secret (it is not shown here)</Text>}
            {copied === 'no-secret' && <Text size="sm">Copied: this connection has no secret to put in</Text>}
            {copied === 'failed' && <Text size="sm">Select the text and copy it (no clipboard access here)</Text>}
            <Button variant="light" onClick={() => void copyText(command, box.current).then((ok) => setCopied(ok ? 'shown' : 'failed'))} disabled={command === ''}>
              Copy
            </Button>
            {props.mode === 'desktop' && (
              <Button variant="default" onClick={copyWithSecret} disabled={command === ''}>
                Copy with the secret
              </Button>
            )}
          </Group>
        </Group>
        {secretAs === 'variable' && variable !== undefined && (
          <Text size="sm">
            The command reads the secret from <Code>${variable}</Code>: set it in your shell first (<Code>read -rs {variable} && export {variable}</Code>).
            {variable === 'INFLUX_PASSWORD' && ' In the URL (u/p) it goes as it is: percent-encode any & # % + or space in it.'}
            {props.mode === 'browser' && ' In browser mode the app never copies the secret itself: its server cannot reach your clipboard.'}
          </Text>
        )}
        <Text size="xs" c="dimmed">
          InfluxDB docs: <Anchor href={EXTERNAL_LINKS.writeApiV1} target="_blank" rel="noopener noreferrer">write with the 1.x API</Anchor>
          {' · '}
          <Anchor href={EXTERNAL_LINKS.writeApiV2} target="_blank" rel="noopener noreferrer">write with the 2.x API</Anchor>
          {' · '}
          <Anchor href={EXTERNAL_LINKS.lineProtocol} target="_blank" rel="noopener noreferrer">line protocol</Anchor>
        </Text>
      </Stack>
    </Modal>
  );
}
