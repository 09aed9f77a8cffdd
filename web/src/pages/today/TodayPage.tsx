// Today: the clinic day's appointments (or any range of days), filtered by state and patient name.
import { Button, EmptyState, Group, MultiSelect, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useSearchParams } from 'react-router-dom';
import { AppointmentList } from '../../appointments/AppointmentList';
import { ALL_STATUSES, STATUS_WORDS } from '../../appointments/words';
import { useClinicDates } from '../../clinic/dates';
import type { AppointmentStatus } from '../../gql/graphql';
import { PageTitle } from '../../layout/AppLayout';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export function TodayPage() {
  const dates = useClinicDates();
  // The filters live in the address, so a reload or a shared link shows the same list.
  const [params, setParams] = useSearchParams();
  const today = dates.today();
  const from = DAY.test(params.get('from') ?? '') ? params.get('from')! : today;
  const toParam = params.get('to') ?? '';
  const to = DAY.test(toParam) && toParam >= from ? toParam : from;
  const statuses = params.getAll('status').filter((s): s is AppointmentStatus => s in STATUS_WORDS);
  const search = params.get('q') ?? '';
  const [patientName] = useDebouncedValue(search.trim(), 300);

  const set = (changes: Record<string, string | string[] | null>) =>
    setParams(
      (p) => {
        const next = new URLSearchParams(p);
        for (const [name, value] of Object.entries(changes)) {
          next.delete(name);
          for (const v of Array.isArray(value) ? value : value ? [value] : []) next.append(name, v);
        }
        return next;
      },
      { replace: true },
    );

  const filter = {
    startsFrom: dates.startOfDay(from).toISO(),
    startsBefore: dates.startOfDay(to).plus({ days: 1 }).toISO(),
    ...(statuses.length ? { status: statuses } : {}),
    ...(patientName ? { patientName } : {}),
  };
  const oneDay = from === to;
  const title = oneDay ? (from === today ? 'Today' : dates.day(dates.startOfDay(from).toISO()!)) : 'Appointments';

  return (
    <>
      <PageTitle>{title}</PageTitle>
      <Text size="sm" c="dimmed" mt={-12} mb="sm">
        Times are the clinic&apos;s ({dates.zone.replace(/_/g, ' ')}).
      </Text>
      <Group align="flex-end" gap="sm" mb="md" wrap="wrap">
        <TextInput type="date" label="From" value={from} onChange={(e) => set({ from: e.currentTarget.value || null })} w={160} />
        <TextInput type="date" label="To" value={to} min={from} onChange={(e) => set({ to: e.currentTarget.value || null })} w={160} />
        <MultiSelect
          label="Status"
          placeholder={statuses.length ? undefined : 'Any status'}
          data={ALL_STATUSES.map((s) => ({ value: s, label: STATUS_WORDS[s].label }))}
          value={statuses}
          onChange={(value) => set({ status: value })}
          clearable
          w={{ base: '100%', sm: 280 }}
        />
        <TextInput
          label="Patient"
          placeholder="Search by name"
          type="search"
          value={search}
          onChange={(e) => set({ q: e.currentTarget.value || null })}
          w={{ base: '100%', sm: 220 }}
        />
        {(from !== today || to !== today) && (
          <Button variant="default" onClick={() => set({ from: null, to: null })}>
            Back to today
          </Button>
        )}
      </Group>
      <AppointmentList
        filter={filter}
        empty={
          <EmptyState
            title={statuses.length || patientName ? 'No appointment matches' : oneDay ? 'No appointments this day' : 'No appointments in these days'}
            description={
              statuses.length || patientName
                ? 'Clear the status or patient filter to see more.'
                : 'Appointments appear here as soon as the booking system sends them to ARO.'
            }
          />
        }
      />
    </>
  );
}
