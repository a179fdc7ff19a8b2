// "Copy as curl": the request in the forms of InfluxDB's /write docs; the secret a placeholder unless asked.
import { Button, Group, Modal, Switch, Text, Textarea } from '@mantine/core';
import { useEffect, useState } from 'react';
import type { SendRequest } from '../../app/contract.js';
import { api } from '../api/index.js';

export function CurlModal(props: { request: SendRequest | null; onClose: () => void }) {
  const [showSecret, setShowSecret] = useState(false);
  const [command, setCommand] = useState('');
  const [error, setError] = useState<string>();
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (props.request === null) return;
    setCopied(false);
    api
      .copyAsCurl({ ...props.request, showSecret })
      .then((r) => {
        setCommand(r.command);
        setError(undefined);
        if (navigator.clipboard) navigator.clipboard.writeText(r.command).then(() => setCopied(true), () => setCopied(false));
      })
      .catch((e: Error) => setError(e.message));
  }, [props.request, showSecret]);
  return (
    <Modal opened={props.request !== null} onClose={props.onClose} title="Copy as curl" size="xl">
      {error ? (
        <Text c="red">{error}</Text>
      ) : (
        <Textarea aria-label="curl command" value={command} readOnly autosize minRows={4} maxRows={16} ff="monospace" onFocus={(e) => e.currentTarget.select()} />
      )}
      <Group justify="space-between" mt="sm">
        <Switch label="Show secret" checked={showSecret} onChange={(e) => setShowSecret(e.currentTarget.checked)} />
        <Group>
          {copied && <Text size="sm">Copied to the clipboard</Text>}
          <Button
            variant="light"
            onClick={() => void navigator.clipboard?.writeText(command).then(() => setCopied(true))}
          >
            Copy
          </Button>
        </Group>
      </Group>
    </Modal>
  );
}
