// Shown while the local endpoint refuses writes because its disk is full or failing (reads keep
// working, and it takes writes again by itself once the disk recovers). Asks the app for the
// endpoint's status every few seconds while it is on screen.
import { Alert } from '@mantine/core';
import { useEffect, useState } from 'react';
import type { EndpointStatus } from '../../app/contract.js';
import { api } from '../api/index.js';

const POLL_MS = 3000;

export function ReadOnlyBanner() {
  const [status, setStatus] = useState<EndpointStatus>();
  useEffect(() => {
    let live = true;
    const check = () =>
      api.info({}).then(
        (i) => live && setStatus(i.endpoint),
        () => {}, // the app's own errors are shown elsewhere
      );
    void check();
    const timer = setInterval(check, POLL_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, []);
  if (status?.state !== 'running' || status.writable !== false) return null;
  return (
    <Alert color="orange" title="The local endpoint is read-only" data-testid="endpoint-read-only">
      Writes to it are refused with 503 and nothing of them is stored: {status.readOnlyReason ?? 'its disk fails'}. Reads keep working. It takes writes again by
      itself once the disk has room or works again.
    </Alert>
  );
}
