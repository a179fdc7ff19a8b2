// Browser mode's sign-in: an operator token of this endpoint (or the one-time link serve prints).
import { Alert, Button, Paper, PasswordInput, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { signIn } from '../api/http.js';

export function SignIn(props: { onSignedIn: () => void; notice?: string }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | undefined>(props.notice);
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await signIn({ token: token.trim() });
      props.onSignedIn();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Paper maw={480} mx="auto" mt={80} p="xl" withBorder>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <Stack>
          <Title order={2}>Line Protocol Studio</Title>
          <Text size="sm">
            Sign in with an operator token of this endpoint (the one <code>lpstudio serve</code> printed when it set up its data directory, or
            the one you gave with <code>--token</code>), or open the one-time link it prints at start.
          </Text>
          <PasswordInput label="Token" value={token} onChange={(e) => setToken(e.currentTarget.value)} autoFocus required />
          {error && (
            <Alert color="red" title="Not signed in">
              {error}
            </Alert>
          )}
          <Button type="submit" loading={busy} disabled={token.trim() === ''}>
            Sign in
          </Button>
        </Stack>
      </form>
    </Paper>
  );
}
