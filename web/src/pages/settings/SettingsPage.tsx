// Settings: the reminder policy, the message templates, the clinic's details and its API keys, one tab
// each; the tab is in the address (/settings/templates), so a reload or a link opens the same one.
import { Tabs } from '@mantine/core';
import { useNavigate, useParams } from 'react-router-dom';
import { PageTitle } from '../../layout/AppLayout';
import { ApiKeySettings } from './ApiKeySettings';
import { ClinicSettings } from './ClinicSettings';
import { PolicySettings } from './PolicySettings';
import { TemplateSettings } from './TemplateSettings';

const SECTIONS = [
  { value: 'policy', label: 'Reminder policy', element: <PolicySettings /> },
  { value: 'templates', label: 'Templates', element: <TemplateSettings /> },
  { value: 'clinic', label: 'Clinic', element: <ClinicSettings /> },
  { value: 'api-keys', label: 'API keys', element: <ApiKeySettings /> },
];

export function SettingsPage() {
  const { section } = useParams();
  const navigate = useNavigate();
  const current = SECTIONS.find((s) => s.value === section) ?? SECTIONS[0];
  return (
    <>
      <PageTitle>Settings</PageTitle>
      <Tabs value={current.value} onChange={(value) => {
          if (value) void navigate(`/settings/${value}`);
        }} keepMounted={false}>
        <Tabs.List mb="md">
          {SECTIONS.map((s) => (
            <Tabs.Tab key={s.value} value={s.value}>
              {s.label}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        {SECTIONS.map((s) => (
          <Tabs.Panel key={s.value} value={s.value}>
            {s.element}
          </Tabs.Panel>
        ))}
      </Tabs>
    </>
  );
}
