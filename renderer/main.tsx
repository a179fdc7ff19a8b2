import '@mantine/core/styles.css';
import './styles.css';
import { MantineProvider } from '@mantine/core';
import { StrictMode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import { mode } from './api/index.js';
import { SIGNED_OUT_EVENT, sessionState, signIn } from './api/http.js';
import { SignIn } from './components/SignIn.js';

/** Browser mode signs in first (a one-time `#code=` link signs in by itself); the desktop needs no sign-in. */
function Root() {
  const [state, setState] = useState<'checking' | 'in' | 'out'>(mode === 'desktop' ? 'in' : 'checking');
  const [notice, setNotice] = useState<string>();
  useEffect(() => {
    if (mode === 'desktop') return;
    const code = /[#&]code=([A-Za-z0-9_-]+)/.exec(location.hash)?.[1];
    if (code) history.replaceState(null, '', location.pathname + location.search);
    (async () => {
      if (await sessionState()) return setState('in');
      if (code) {
        try {
          await signIn({ code });
          return setState('in');
        } catch (e) {
          setNotice((e as Error).message);
        }
      }
      setState('out');
    })().catch(() => setState('out'));
    // A call that finds the session gone brings the sign-in back.
    const onSignedOut = () => {
      setNotice('Your session has ended (the server may have restarted): sign in again.');
      setState('out');
    };
    window.addEventListener(SIGNED_OUT_EVENT, onSignedOut);
    return () => window.removeEventListener(SIGNED_OUT_EVENT, onSignedOut);
  }, []);
  if (state === 'checking') return null;
  if (state === 'out') return <SignIn onSignedIn={() => setState('in')} notice={notice} />;
  return <App />;
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <MantineProvider>
      <Root />
    </MantineProvider>
  </StrictMode>,
);
