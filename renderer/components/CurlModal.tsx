// "Copy as curl": the request in the forms of InfluxDB's /write docs; the secret a placeholder unless asked.
// Opening copies the command (secret masked) to the clipboard; with "Show secret" on, only the Copy
// button puts the command with the secret there.
import { Button, Group, Modal, Switch, Text, Textarea } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import type { SendRequest } from '../../app/contract.js';
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

export function CurlModal(props: { request: SendRequest | null; onClose: () => void }) {
  const [showSecret, setShowSecret] = useState(false);
  const [command, setCommand] = useState('');
  const [error, setError] = useState<string>();
  const [copied, setCopied] = useState<boolean | null>(null);
  const box = useRef<HTMLTextAreaElement>(null);
  const opened = props.request !== null;

  useEffect(() => {
    if (!opened) {
      setShowSecret(false);
      setCommand('');
    }
  }, [opened]);

  useEffect(() => {
    if (props.request === null) return;
    let live = true;
    setCopied(null);
    api
      .copyAsCurl({ ...props.request, showSecret })
      .then((r) => {
        if (!live) return;
        setCommand(r.command);
        setError(undefined);
        if (!showSecret) void copyText(r.command, box.current).then((ok) => live && setCopied(ok));
      })
      .catch((e: Error) => live && setError(e.message));
    return () => {
      live = false;
    };
  }, [props.request, showSecret]);

  return (
    <Modal opened={opened} onClose={props.onClose} title="Copy as curl" size="xl">
      {error ? (
        <Text c="red" role="alert">
          {error}
        </Text>
      ) : (
        <Textarea ref={box} aria-label="curl command" value={command} readOnly autosize minRows={4} maxRows={16} ff="monospace" onFocus={(e) => e.currentTarget.select()} />
      )}
      <Group justify="space-between" mt="sm">
        <Switch label="Show secret" checked={showSecret} onChange={(e) => setShowSecret(e.currentTarget.checked)} />
        <Group>
          {copied === true && <Text size="sm">Copied to the clipboard{showSecret ? ' (with the secret)' : ''}</Text>}
          {copied === false && <Text size="sm">Select the text and copy it (no clipboard access here)</Text>}
          <Button variant="light" onClick={() => void copyText(command, box.current).then(setCopied)} disabled={command === ''}>
            Copy
          </Button>
        </Group>
      </Group>
    </Modal>
  );
}
