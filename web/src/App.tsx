// The app's root: signed out it is the sign-in page; signed in, the clinic's pages under one shell.
import { useMemo, useState } from 'react';
import { createBrowserRouter, RouterProvider } from 'react-router-dom';
import { Provider as UrqlProvider } from 'urql';
import { forgetApiKey, storedApiKey } from './auth/session';
import { SignInPage } from './auth/SignInPage';
import { createClinicClient } from './graphql/client';
import { AppLayout } from './layout/AppLayout';
import { NotFoundPage } from './layout/NotFoundPage';
import { devMode } from './devMode';
import { ActivityContext, ActivityHub } from './live/activity';
import { pages } from './routes';

export function App() {
  const [apiKey, setApiKey] = useState<string | null>(storedApiKey);
  const signOut = () => {
    forgetApiKey();
    setApiKey(null);
  };
  // One hub per sign-in: the stream's events reach every open view through it.
  const hub = useMemo(() => new ActivityHub(), [apiKey]);
  const client = useMemo(
    () =>
      apiKey
        ? createClinicClient(apiKey, signOut, { onStreamLost: () => hub.streamChanged(true), onStreamBack: () => hub.streamChanged(false) })
        : null,
    [apiKey, hub],
  );
  const router = useMemo(
    () =>
      createBrowserRouter(
        [
          {
            element: <AppLayout onSignOut={signOut} />,
            children: [
              ...pages.filter((p) => devMode || !p.devOnly).map((p) => ({ path: p.path, element: p.element })),
              { path: '*', element: <NotFoundPage /> },
            ],
          },
        ],
        { basename: '/app' },
      ),
    [],
  );
  if (!apiKey || !client) return <SignInPage onSignedIn={setApiKey} />;
  return (
    <UrqlProvider value={client}>
      <ActivityContext.Provider value={hub}>
        <RouterProvider router={router} />
      </ActivityContext.Provider>
    </UrqlProvider>
  );
}
