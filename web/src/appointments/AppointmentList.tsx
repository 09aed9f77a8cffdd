// A page-through list of appointments from `appointments(filter)`: a table on a wide screen, cards on
// a phone; each opens the appointment. Used by Today and the inbox.
import { Anchor, Badge, Button, Card, Group, Stack, Table, Text } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { useState, type ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { useQuery } from 'urql';
import { useClinicDates } from '../clinic/dates';
import { graphql } from '../gql';
import type { AppointmentFilter, AppointmentListQuery } from '../gql/graphql';
import { queryStatus } from '../layout/QueryStatus';
import { useRefreshOnActivity } from '../live/activity';
import { StatusBadge } from './StatusBadge';
import { TOUCH_WORDS } from './words';

export const AppointmentListDocument = graphql(`
  query AppointmentList($filter: AppointmentFilter, $after: String, $first: Int!) {
    appointments(filter: $filter, after: $after, first: $first) {
      totalCount
      nodes {
        externalId
        startsAt
        status
        needsAttention
        attentionReasons
        provider
        location
        patient {
          name
          phone
        }
        nextTouch {
          at
          kind
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

export type AppointmentRow = AppointmentListQuery['appointments']['nodes'][number];

const PAGE_SIZE = 50;

interface ListProps {
  filter: AppointmentFilter;
  /** What to say when nothing matches. */
  empty: ReactNode;
  /** Extra content under each row (the inbox's reasons). */
  detail?: (row: AppointmentRow) => ReactNode;
}

export function AppointmentList({ filter, empty, detail }: ListProps) {
  // urql's pattern for "load more": one query per page, each page after the previous one's cursor.
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const filterKey = JSON.stringify(filter);
  const [shownFor, setShownFor] = useState(filterKey);
  if (shownFor !== filterKey) {
    setShownFor(filterKey);
    setCursors([null]);
  }
  return (
    <Stack gap="sm">
      {cursors.map((after, i) => (
        <AppointmentListPage
          key={`${filterKey}:${after ?? ''}`}
          filter={filter}
          after={after}
          first={i === 0}
          last={i === cursors.length - 1}
          empty={empty}
          detail={detail}
          onMore={(cursor) => setCursors((c) => [...c, cursor])}
        />
      ))}
    </Stack>
  );
}

interface PageProps extends ListProps {
  after: string | null;
  first: boolean;
  last: boolean;
  onMore: (cursor: string) => void;
}

function AppointmentListPage({ filter, after, first, last, empty, detail, onMore }: PageProps) {
  const [result, refresh] = useQuery({ query: AppointmentListDocument, variables: { filter, after, first: PAGE_SIZE } });
  // A booking, a status or an attention change anywhere in the clinic may change this list.
  useRefreshOnActivity((a) => a.kind === 'appointment', () => refresh({ requestPolicy: 'network-only' }));
  const dates = useClinicDates();
  const phone = useMediaQuery('(max-width: 48em)');
  const status = queryStatus(result, 'the appointments');
  if (status || !result.data) return status;
  const { nodes, totalCount, pageInfo } = result.data.appointments;
  if (first && nodes.length === 0) return <>{empty}</>;

  const when = (row: AppointmentRow) => dates.dateTime(row.startsAt);
  const next = (row: AppointmentRow) => (row.nextTouch ? `${TOUCH_WORDS[row.nextTouch.kind]}, ${dates.dateTime(row.nextTouch.at)}` : '—');
  const patientLink = (row: AppointmentRow) => (
    <Anchor component={Link} to={`/appointments/${encodeURIComponent(row.externalId)}`} fw={600}>
      {row.patient.name}
    </Anchor>
  );
  const attention = (row: AppointmentRow) =>
    row.needsAttention ? (
      <Badge color="red" variant="outline" size="sm" tt="none">
        Needs attention
      </Badge>
    ) : null;

  return (
    <>
      {first && (
        <Text size="sm" c="dimmed" aria-live="polite">
          {totalCount === 1 ? '1 appointment' : `${totalCount} appointments`}
        </Text>
      )}
      {phone ? (
        <Stack gap="xs">
          {nodes.map((row) => (
            <Card key={row.externalId} withBorder padding="sm">
              <Group justify="space-between" wrap="nowrap" align="flex-start">
                <Stack gap={2}>
                  {patientLink(row)}
                  <Text size="sm">{when(row)}</Text>
                  {row.provider && (
                    <Text size="sm" c="dimmed">
                      {row.provider}
                    </Text>
                  )}
                </Stack>
                <Stack gap={4} align="flex-end">
                  <StatusBadge status={row.status} />
                  {attention(row)}
                </Stack>
              </Group>
              <Text size="xs" c="dimmed" mt={4}>
                Next: {next(row)}
              </Text>
              {detail?.(row)}
            </Card>
          ))}
        </Stack>
      ) : (
        <Table.ScrollContainer minWidth={640}>
          <Table striped highlightOnHover verticalSpacing="xs">
            {first && (
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>When</Table.Th>
                  <Table.Th>Patient</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Next touch</Table.Th>
                  <Table.Th>With</Table.Th>
                </Table.Tr>
              </Table.Thead>
            )}
            <Table.Tbody>
              {nodes.map((row) => (
                <Table.Tr key={row.externalId}>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>{when(row)}</Table.Td>
                  <Table.Td>
                    <Stack gap={2}>
                      {patientLink(row)}
                      <Text size="xs" c="dimmed">
                        {row.patient.phone}
                      </Text>
                      {detail?.(row)}
                    </Stack>
                  </Table.Td>
                  <Table.Td>
                    <Group gap={4}>
                      <StatusBadge status={row.status} />
                      {attention(row)}
                    </Group>
                  </Table.Td>
                  <Table.Td>{next(row)}</Table.Td>
                  <Table.Td>{[row.provider, row.location].filter(Boolean).join(' · ') || '—'}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {last && pageInfo.hasNextPage && pageInfo.endCursor && (
        <Group justify="center">
          <Button variant="default" onClick={() => onMore(pageInfo.endCursor!)}>
            Show more
          </Button>
        </Group>
      )}
    </>
  );
}
