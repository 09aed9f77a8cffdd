// The signed-in shell: the clinic's name, the navigation (from routes.tsx), sign-out, and the page.
import { AppShell, Badge, Burger, Button, Group, NavLink, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { NavLink as RouterNavLink, Outlet, useLocation } from 'react-router-dom';
import { useContext, useEffect, useSyncExternalStore } from 'react';
import { useQuery, useSubscription } from 'urql';
import { ClinicContext, ClinicDocument } from '../clinic/clinic';
import { devMode } from '../devMode';
import { graphql } from '../gql';
import { queryStatus } from './QueryStatus';
import { ActivityContext, ClinicActivityDocument, useRefreshOnActivity } from '../live/activity';
import { pages } from '../routes';

const InboxCountDocument = graphql(`
  query InboxCount {
    appointments(first: 1, filter: { needsAttention: true }) {
      totalCount
    }
  }
`);

export function AppLayout({ onSignOut }: { onSignOut: () => void }) {
  const [opened, { toggle, close }] = useDisclosure();
  const location = useLocation();
  const [clinic] = useQuery({ query: ClinicDocument });
  const hub = useContext(ActivityContext);
  // One stream for the whole app; every open view picks the events that concern it.
  const [live] = useSubscription({ query: ClinicActivityDocument }, (_, event) => {
    hub.emit(event.clinicActivity);
    return event;
  });
  const streamLost = useSyncExternalStore(hub.watchStream, () => hub.streamLost);
  useEffect(close, [location.pathname, close]);

  return (
    <Shell opened={opened} toggle={toggle} clinicName={clinic.data?.me.name ?? ''} liveError={streamLost || Boolean(live.error)} onSignOut={onSignOut}>
      {queryStatus(clinic, 'the clinic') ?? (
        <ClinicContext.Provider value={clinic.data!.me}>
          <Outlet />
        </ClinicContext.Provider>
      )}
    </Shell>
  );
}

interface ShellProps {
  opened: boolean;
  toggle: () => void;
  clinicName: string;
  liveError: boolean;
  onSignOut: () => void;
  children: React.ReactNode;
}

function Shell({ opened, toggle, clinicName, liveError, onSignOut, children }: ShellProps) {
  const [inbox, refreshInbox] = useQuery({ query: InboxCountDocument });
  useRefreshOnActivity((a) => a.kind === 'appointment', () => refreshInbox({ requestPolicy: 'network-only' }));
  const navPages = pages.filter((p) => p.nav && (devMode || !p.devOnly));
  const waiting = inbox.data?.appointments.totalCount ?? 0;

  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 220, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Open the navigation" />
            <Text fw={700} c="teal.9">
              ARO
            </Text>
            <Text truncate="end" maw={{ base: 150, sm: 400 }}>
              {clinicName}
            </Text>
          </Group>
          {liveError && (
            <Text size="sm" c="orange.9" role="status">
              Live updates paused, reconnecting…
            </Text>
          )}
          <Button variant="subtle" size="compact-sm" onClick={onSignOut}>
            Sign out
          </Button>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label="Pages">
        {navPages.map((p) => (
          <NavLink
            key={p.path}
            component={RouterNavLink}
            to={p.path}
            end={p.path === '/'}
            label={p.nav}
            variant="filled"
            rightSection={
              p.path === '/inbox' && waiting > 0 ? (
                <Badge size="sm" color="red" aria-label={`${waiting} need attention`}>
                  {waiting}
                </Badge>
              ) : null
            }
          />
        ))}
      </AppShell.Navbar>
      <AppShell.Main>{children}</AppShell.Main>
    </AppShell>
  );
}

/** A page's heading, the same size everywhere. */
export function PageTitle({ children }: { children: React.ReactNode }) {
  return (
    <Title order={1} size="h2" mb="md">
      {children}
    </Title>
  );
}
