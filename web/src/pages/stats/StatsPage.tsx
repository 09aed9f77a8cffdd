// Numbers: confirmation, cancellation and no-show rates by week, and messages and segments by channel,
// over a range of weeks in the clinic's time. Each chart has its figures beside it as a table, and the
// range's totals stand above them as plain numbers.
import '@mantine/charts/styles.css';
import { BarChart } from '@mantine/charts';
import { Button, Group, Paper, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { DateTime } from 'luxon';
import type { ReactNode } from 'react';
import { useSearchParams } from 'react-router-dom';
import { useClinic } from '../../clinic/clinic';
import { PageTitle } from '../../layout/AppLayout';
import { queryStatus } from '../../layout/QueryStatus';
import { ScrollableTable } from '../../layout/ScrollableTable';
import { cancellationRate, MAX_WEEKS, useWeeklyStats, type Figures } from './weekly-stats';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
/** The default range: these many weeks back from this one, and the next week (booked, not yet happened). */
const WEEKS_BACK = 6;

const percent = new Intl.NumberFormat('en', { style: 'percent', maximumFractionDigits: 0 });
const count = new Intl.NumberFormat('en');
const rate = (value: number | null | undefined) => (value === null || value === undefined ? '—' : percent.format(value));
const CHANNEL_WORDS: Record<string, string> = { SMS: 'SMS', WHATSAPP: 'WhatsApp' };

export function StatsPage() {
  const { timeZone } = useClinic();
  const [params, setParams] = useSearchParams();
  const thisWeek = DateTime.now().setZone(timeZone).startOf('week');
  const monday = (param: string, fallback: DateTime) => {
    const value = params.get(param) ?? '';
    return DAY.test(value) && DateTime.fromISO(value, { zone: timeZone }).isValid ? DateTime.fromISO(value, { zone: timeZone }).startOf('week') : fallback;
  };
  const first = monday('from', thisWeek.minus({ weeks: WEEKS_BACK }));
  const asked = monday('to', thisWeek.plus({ weeks: 1 }));
  const last = asked < first ? first : DateTime.min(asked, first.plus({ weeks: MAX_WEEKS - 1 }));
  const weekStarts = Array.from({ length: Math.round(last.diff(first, 'weeks').weeks) + 1 }, (_, i) => first.plus({ weeks: i }));
  const { data, error } = useWeeklyStats(weekStarts);

  const set = (name: string, value: string) =>
    setParams(
      (p) => {
        const next = new URLSearchParams(p);
        if (value) next.set(name, value);
        else next.delete(name);
        return next;
      },
      { replace: true },
    );

  return (
    <>
      <PageTitle>Numbers</PageTitle>
      <Group align="flex-end" gap="sm" mb="xs" wrap="wrap">
        <TextInput type="date" label="From the week of" value={first.toISODate() ?? ''} onChange={(e) => set('from', e.currentTarget.value)} w={180} />
        <TextInput
          type="date"
          label="To the week of"
          value={last.toISODate() ?? ''}
          min={first.toISODate() ?? undefined}
          onChange={(e) => set('to', e.currentTarget.value)}
          w={180}
        />
        {(params.has('from') || params.has('to')) && (
          <Button variant="default" onClick={() => setParams({}, { replace: true })}>
            Recent weeks
          </Button>
        )}
      </Group>
      <Text size="sm" c="dimmed" mb="md">
        Weeks start on Monday in the clinic&apos;s time ({timeZone}); {weekStarts.length} week{weekStarts.length === 1 ? '' : 's'} from{' '}
        {first.toLocaleString(DateTime.DATE_MED)} to {last.plus({ days: 6 }).toLocaleString(DateTime.DATE_MED)}.
        {asked > last && asked >= first ? ` At most ${MAX_WEEKS} weeks are shown at once.` : ''} Rates count the appointments that start in a
        week; messages count what was sent in it.
      </Text>
      {queryStatus({ data, error }, 'the numbers') ??
        (data && (
          <Stack gap="xl">
            <Totals figures={data.total} />
            <WeeklyRates weeks={data.weeks} />
            <ChannelMessages figures={data.total} />
          </Stack>
        ))}
    </>
  );
}

function Totals({ figures: f }: { figures: Figures }) {
  const items: [string, string][] = [
    ['Appointments', count.format(f.appointments)],
    ['Confirmed', `${rate(f.confirmationRate)} (${count.format(f.confirmed)})`],
    ['Cancelled', `${rate(cancellationRate(f))} (${count.format(f.cancellations)})`],
    ['No-shows', `${rate(f.noShowRate)} (${count.format(f.noShows)})`],
    ['Messages sent', count.format(f.messagesSent)],
    ['SMS segments', count.format(f.segmentsSent)],
    ['Replies', count.format(f.repliesReceived)],
    ['Replies passed to staff', count.format(f.repliesNeedingAttention)],
  ];
  return (
    <section aria-labelledby="stats-totals">
      <Title order={2} size="h4" mb="sm" id="stats-totals">
        In these weeks
      </Title>
      <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="sm">
        {items.map(([label, value]) => (
          <Paper key={label} withBorder p="sm">
            <Text size="sm" c="dimmed">
              {label}
            </Text>
            <Text fw={700} size="lg">
              {value}
            </Text>
          </Paper>
        ))}
      </SimpleGrid>
    </section>
  );
}

/** A chart and, beside it, the same figures as a table (the chart's text alternative). */
function ChartWithTable({ id, title, chart, table }: { id: string; title: string; chart: ReactNode; table: ReactNode }) {
  return (
    <section aria-labelledby={id}>
      <Title order={2} size="h4" mb="sm" id={id}>
        {title}
      </Title>
      <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="lg">
        {/* The table beside it says the same in words; the drawing itself is skipped by screen readers. */}
        <div aria-hidden="true">{chart}</div>
        <ScrollableTable label={`${title}, as a table`} minWidth={360}>
          {table}
        </ScrollableTable>
      </SimpleGrid>
    </section>
  );
}

function WeeklyRates({ weeks }: { weeks: { start: DateTime; figures: Figures }[] }) {
  if (weeks.every((w) => w.figures.appointments === 0)) {
    return (
      <section aria-labelledby="stats-rates">
        <Title order={2} size="h4" mb="sm" id="stats-rates">
          Confirmation, cancellation and no-show rates by week
        </Title>
        <Text>No appointments start in these weeks.</Text>
      </section>
    );
  }
  const label = (start: DateTime) => start.toLocaleString({ day: 'numeric', month: 'short' });
  const toPercent = (value: number | null) => (value === null ? null : Math.round(value * 100));
  const data = weeks.map(({ start, figures }) => ({
    week: label(start),
    confirmation: toPercent(figures.confirmationRate ?? null),
    cancellation: toPercent(cancellationRate(figures)),
    noShow: toPercent(figures.noShowRate ?? null),
  }));
  return (
    <ChartWithTable
      id="stats-rates"
      title="Confirmation, cancellation and no-show rates by week"
      chart={
        <BarChart
          h={280}
          data={data}
          dataKey="week"
          unit="%"
          yAxisProps={{ domain: [0, 100] }}
          withLegend
          accessibilityLayer={false}
          series={[
            { name: 'confirmation', label: 'Confirmed', color: 'teal.7' },
            { name: 'cancellation', label: 'Cancelled', color: 'red.7' },
            { name: 'noShow', label: 'No-shows', color: 'orange.6' },
          ]}
        />
      }
      table={
        <Table striped withTableBorder fz="sm">
          <Table.Caption>Rates by week (— where the week has nothing to count)</Table.Caption>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Week of</Table.Th>
              <Table.Th scope="col">Appointments</Table.Th>
              <Table.Th scope="col">Confirmed</Table.Th>
              <Table.Th scope="col">Cancelled</Table.Th>
              <Table.Th scope="col">No-shows</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {weeks.map(({ start, figures: f }) => (
              <Table.Tr key={start.toISODate()}>
                <Table.Th scope="row" style={{ whiteSpace: 'nowrap' }}>
                  {label(start)}
                </Table.Th>
                <Table.Td>{count.format(f.appointments)}</Table.Td>
                <Table.Td>{rate(f.confirmationRate)}</Table.Td>
                <Table.Td>{rate(cancellationRate(f))}</Table.Td>
                <Table.Td>{rate(f.noShowRate)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      }
    />
  );
}

function ChannelMessages({ figures }: { figures: Figures }) {
  const data = figures.byChannel.map((c) => ({ channel: CHANNEL_WORDS[c.channel] ?? c.channel, messages: c.messagesSent, segments: c.segmentsSent }));
  if (data.length === 0) {
    return (
      <section aria-labelledby="stats-channels">
        <Title order={2} size="h4" mb="sm" id="stats-channels">
          Messages and segments by channel
        </Title>
        <Text>No messages were sent in these weeks.</Text>
      </section>
    );
  }
  return (
    <ChartWithTable
      id="stats-channels"
      title="Messages and segments by channel"
      chart={
        <BarChart
          h={240}
          data={data}
          dataKey="channel"
          withLegend
          accessibilityLayer={false}
          series={[
            { name: 'messages', label: 'Messages', color: 'teal.7' },
            { name: 'segments', label: 'Segments', color: 'blue.7' },
          ]}
        />
      }
      table={
        <Table striped withTableBorder fz="sm">
          <Table.Caption>Messages sent and their billable segments, by channel</Table.Caption>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Channel</Table.Th>
              <Table.Th scope="col">Messages</Table.Th>
              <Table.Th scope="col">Segments</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {data.map((c) => (
              <Table.Tr key={c.channel}>
                <Table.Th scope="row">{c.channel}</Table.Th>
                <Table.Td>{count.format(c.messages)}</Table.Td>
                <Table.Td>{count.format(c.segments)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      }
    />
  );
}
