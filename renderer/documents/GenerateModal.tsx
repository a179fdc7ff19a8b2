// "Generate…": sample data from a description, deterministic with a seed. Up to 100,000 points go
// into a new document; more are written to a file handed to the upload dialog.
import { Alert, Button, Group, Modal, NumberInput, Stack, TextInput } from '@mantine/core';
import { useEffect, useState } from 'react';
import type { Precision } from '../../app/contract.js';
import { generate, parseFieldSpec, parseTagSpec } from '../../app/generate.js';
import { parseDuration } from '../../app/placeholders.js';

/** Most points put in a document; more go to the upload dialog as a file. */
export const MAX_GENERATED_IN_EDITOR = 100_000;

export function GenerateModal(props: { opened: boolean; precision: Precision; onClose: () => void; onText: (text: string, count: number) => void }) {
  const [measurement, setMeasurement] = useState('cpu');
  const [tags, setTags] = useState('host=server-1,server-2,server-3; region=eu,us');
  const [fields, setFields] = useState('usage=float:0..100:walk; requests=int:0..500; healthy=bool');
  const [count, setCount] = useState<number | string>(1000);
  const [start, setStart] = useState('');
  const [interval, setIntervalText] = useState('10s');
  const [seed, setSeed] = useState<number | string>(1);
  const [error, setError] = useState<string>();
  useEffect(() => {
    if (!props.opened) return;
    setError(undefined);
    // The last `count` intervals up to now, to the second.
    if (start === '') setStart(new Date(Math.floor(Date.now() / 1000) * 1000 - 1000 * 10 * 1000).toISOString());
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [props.opened]);
  const run = () => {
    const t = parseTagSpec(tags);
    if ('error' in t) return setError(`Tags: ${t.error}`);
    const f = parseFieldSpec(fields);
    if ('error' in f) return setError(`Fields: ${f.error}`);
    const n = Number(count);
    if (!Number.isInteger(n) || n < 1 || n > 10_000_000) return setError('Count: a whole number from 1 to 10,000,000');
    const ms = Date.parse(start);
    if (Number.isNaN(ms)) return setError(`Start: "${start}" is not a date: write it like 2026-01-31T12:00:00Z`);
    const step = parseDuration(interval.trim());
    if (step === undefined) return setError(`Interval: "${interval}" is not a duration: write it like 10s, 500ms, 1m`);
    if (measurement.trim() === '') return setError('Measurement: give it a name');
    const text = generate({ measurement: measurement.trim(), tags: t.tags, fields: f.fields, count: n, startNs: BigInt(ms) * 1_000_000n, intervalNs: step, precision: props.precision, seed: Number(seed) || 0 });
    props.onText(text, n);
    props.onClose();
  };
  return (
    <Modal opened={props.opened} onClose={props.onClose} title="Generate sample data" centered size="lg">
      <Stack gap="sm">
        <TextInput label="Measurement" value={measurement} onChange={(e) => setMeasurement(e.currentTarget.value)} />
        <TextInput label="Tags" description="key=value1,value2; … (each point picks one value of each)" value={tags} onChange={(e) => setTags(e.currentTarget.value)} />
        <TextInput label="Fields" description="key=float:0..100; key=int:0..10; key=bool; key=string; add :walk for a random walk" value={fields} onChange={(e) => setFields(e.currentTarget.value)} />
        <Group grow>
          <NumberInput label="Count" value={count} onChange={setCount} min={1} max={10_000_000} thousandSeparator="," />
          <NumberInput label="Seed" value={seed} onChange={setSeed} />
        </Group>
        <Group grow>
          <TextInput label="Start (UTC)" value={start} onChange={(e) => setStart(e.currentTarget.value)} />
          <TextInput label="Interval" value={interval} onChange={(e) => setIntervalText(e.currentTarget.value)} />
        </Group>
        {error && <Alert color="red">{error}</Alert>}
        <Group justify="flex-end">
          <Button variant="default" onClick={props.onClose}>
            Cancel
          </Button>
          <Button onClick={run}>Generate</Button>
        </Group>
      </Stack>
    </Modal>
  );
}
