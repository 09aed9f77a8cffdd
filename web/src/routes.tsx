// Every page of the app, one line each: its path, and its name in the navigation (none: not listed).
import type { ReactNode } from 'react';
import { AppointmentPage } from './pages/appointment/AppointmentPage';
import { InboxPage } from './pages/inbox/InboxPage';
import { PhonePage } from './pages/phone/PhonePage';
import { SettingsPage } from './pages/settings/SettingsPage';
import { StatsPage } from './pages/stats/StatsPage';
import { TodayPage } from './pages/today/TodayPage';

export interface AppPage {
  path: string;
  element: ReactNode;
  /** Its name in the navigation; pages without one are reached by links. */
  nav?: string;
  /** Only when the API runs in dev mode. */
  devOnly?: boolean;
}

export const pages: AppPage[] = [
  { path: '/', nav: 'Today', element: <TodayPage /> },
  { path: '/inbox', nav: 'Inbox', element: <InboxPage /> },
  { path: '/appointments/:externalId', element: <AppointmentPage /> },
  { path: '/stats', nav: 'Numbers', element: <StatsPage /> },
  { path: '/settings', nav: 'Settings', element: <SettingsPage /> },
  { path: '/settings/:section', element: <SettingsPage /> },
  { path: '/phone', nav: 'Patient phone', devOnly: true, element: <PhonePage /> },
];
