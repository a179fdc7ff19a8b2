// A target's "Environment": the variables `${name}` stands for in documents sent to it, one
// `name=value` per line. Kept with the session (never a secret store: do not put tokens here).
import { Alert, Button, Group, Modal, Stack, Text, Textarea } from '@mantine/core';
import { useEffect, useState } from 'react';
import { VariableName } from '../../app/contract.js';

/** `name=value` lines as variables, or the first bad line. */
export function parseVariables(text: string): { variables: Record<string, string> } | { error: string } {
  const variables: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/\r$/, '');
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    const eq = line.indexOf('=');
    const name = (eq < 0 ? line : line.slice(0, eq)).trim();
    if (eq < 0) return { error: `line ${i + 1}: write name=value` };
    const ok = VariableName.safeParse(name);
    if (!ok.success) return { error: `line ${i + 1}: "${name}": ${ok.error.issues[0].message}` };
    variables[name] = line.slice(eq + 1);
  }
  return { variables };
}

export function EnvironmentModal(props: { opened: boolean; targetName: string; variables: Record<string, string>; onClose: () => void; onSave: (v: Record<string, string>) => void }) {
  const [text, setText] = useState('');
  const [error, setError] = useState<string>();
  useEffect(() => {
    if (!props.opened) return;
    setText(Object.entries(props.variables).map(([k, v]) => `${k}=${v}`).join('\n'));
    setError(undefined);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [props.opened]);
  const save = () => {
    const r = parseVariables(text);
    if ('error' in r) return setError(r.error);
    props.onSave(r.variables);
    props.onClose();
  };
  return (
    <Modal opened={props.opened} onClose={props.onClose} title="Environment" centered size="lg">
      <Stack gap="sm">
        <Text size="sm">
          Variables of <b>{props.targetName}</b>: <code>{'${name}'}</code> in a document sent there stands for its value. <code>{'${now}'}</code>,{' '}
          <code>{'${now-5m}'}</code>, <code>{'${now+1h}'}</code> are the time in the document&apos;s precision.
        </Text>
        <Textarea label="Variables (name=value, one per line)" value={text} onChange={(e) => setText(e.currentTarget.value)} autosize minRows={4} maxRows={16} ff="monospace" />
        {error && <Alert color="red">{error}</Alert>}
        <Group justify="flex-end">
          <Button variant="default" onClick={props.onClose}>
            Cancel
          </Button>
          <Button onClick={save}>Save variables</Button>
        </Group>
      </Stack>
    </Modal>
  );
}
