// Pieces the data browser's management tabs share (DBRP mappings, tokens, v1 users, endpoint
// settings): loading a list with its error, a delete with a confirm step, copying a secret.
import { Alert, Button, Group, Text } from '@mantine/core';
import { useCallback, useEffect, useState } from 'react';

/** Loads once mounted and on `reload()`; `error` holds the last failure's sentence for an Alert. */
export function useLoad<T>(load: () => Promise<T>, initial: T) {
  const [data, setData] = useState<T>(initial);
  const [error, setError] = useState<string>();
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    load()
      .then((d) => live && setData(d))
      .catch((e: Error) => live && setError(e.message));
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [tick]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { data, error, setError, reload };
}

/** Runs a change; on success clears the error and reloads, on failure shows the host's sentence. */
export function runChange(setError: (m: string | undefined) => void, reload: () => void) {
  return async (change: () => Promise<unknown>): Promise<boolean> => {
    try {
      await change();
      setError(undefined);
      reload();
      return true;
    } catch (e) {
      setError((e as Error).message);
      return false;
    }
  };
}

export function ErrorAlert(props: { error: string | undefined }) {
  return props.error ? (
    <Alert color="red" role="alert">
      {props.error}
    </Alert>
  ) : null;
}

/** A row's Delete button, then "Yes, delete" / "Cancel" so one click never deletes. */
export function ConfirmDelete(props: { what: string; onConfirm: () => Promise<unknown> }) {
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return (
      <Button size="xs" color="red" variant="subtle" aria-label={`Delete ${props.what}`} onClick={() => setAsking(true)}>
        Delete
      </Button>
    );
  }
  return (
    <Group gap="xs" wrap="nowrap">
      <Text size="xs">Delete?</Text>
      <Button size="xs" color="red" aria-label={`Yes, delete ${props.what}`} onClick={() => void props.onConfirm().finally(() => setAsking(false))}>
        Yes, delete
      </Button>
      <Button size="xs" variant="default" onClick={() => setAsking(false)}>
        Cancel
      </Button>
    </Group>
  );
}

/** navigator.clipboard where the page may use it (a secure context), else the input's selection and execCommand. */
export async function copyText(text: string, input: HTMLInputElement | null): Promise<boolean> {
  try {
    if (navigator.clipboard) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // fall through to the selection
  }
  if (input === null) return false;
  input.focus();
  input.select();
  return document.execCommand('copy');
}

/** Bucket names by ID, for grants and mappings that store IDs. */
export function bucketLabel(buckets: { id: string; name: string }[], id: string): string {
  return buckets.find((b) => b.id === id)?.name ?? `${id} (deleted)`;
}
