// One appointment: when and with whom, why it needs a person, the conversation, the timeline and the
// staff actions.
import { Alert, Anchor, Badge, Card, Grid, Group, List, Stack, Text, Title } from '@mantine/core';
import { Link, useParams } from 'react-router-dom';
import { useQuery } from 'urql';
import { describeAttention } from '../../appointments/attention';
import { ResolveAttention } from '../../appointments/ResolveAttention';
import { StatusBadge } from '../../appointments/StatusBadge';
import { TOUCH_WORDS } from '../../appointments/words';
import { useClinicDates } from '../../clinic/dates';
import { queryStatus } from '../../layout/QueryStatus';
import { PageTitle } from '../../layout/AppLayout';
import { useRefreshOnActivity } from '../../live/activity';
import { AppointmentDocument, type AppointmentDetail } from './appointment-detail';
import { MessageThread } from './MessageThread';
import { ReplyBox } from './ReplyBox';
import { CLOSED, StaffActions } from './StaffActions';
import { AppointmentTimeline } from './Timeline';

export function AppointmentPage() {
  const { externalId = '' } = useParams();
  const [result, refresh] = useQuery({ query: AppointmentDocument, variables: { externalId } });
  // A reply, a delivery status or a change made elsewhere shows here without a reload.
  useRefreshOnActivity((a) => a.externalId === externalId, () => refresh({ requestPolicy: 'network-only' }));
  const status = queryStatus(result, 'the appointment');
  if (status || !result.data) return status;
  const appointment = result.data.appointment;
  if (!appointment) {
    return (
      <>
        <PageTitle>Appointment not found</PageTitle>
        <Text>
          This clinic has no appointment with the id <strong>{externalId}</strong>.{' '}
          <Anchor component={Link} to="/">
            Back to today
          </Anchor>
        </Text>
      </>
    );
  }
  return <AppointmentView appointment={appointment} />;
}

function AppointmentView({ appointment }: { appointment: AppointmentDetail }) {
  const dates = useClinicDates();
  const attention = describeAttention(appointment.attentionReasons, appointment);
  const kinds = new Set(attention.map((item) => item.kind));
  const details = [
    appointment.durationMinutes ? `${appointment.durationMinutes} min` : null,
    appointment.provider,
    appointment.location,
  ].filter(Boolean);
  return (
    <Stack gap="md">
      <div>
        <Group gap="sm" align="center">
          <PageTitle>{appointment.patient.name}</PageTitle>
        </Group>
        <Group gap="xs" mt={-8}>
          <StatusBadge status={appointment.status} />
          {appointment.needsAttention && (
            <Badge color="red" variant="outline" tt="none">
              Needs attention
            </Badge>
          )}
        </Group>
        <Text mt="xs" fw={500}>
          {dates.day(appointment.startsAt)}, {dates.time(appointment.startsAt)}{' '}
          <Text span c="dimmed" fw={400}>
            ({dates.relative(appointment.startsAt)})
          </Text>
        </Text>
        <Text size="sm" c="dimmed">
          {[...details, appointment.patient.phone].join(' · ')}
        </Text>
        {appointment.nextTouch && (
          <Text size="sm" mt={4}>
            Next: {TOUCH_WORDS[appointment.nextTouch.kind]}, {dates.dateTime(appointment.nextTouch.at)}
          </Text>
        )}
        {appointment.source === 'PROJECTION' && (
          <Text size="sm" c="dimmed" mt={4}>
            This appointment&apos;s lifecycle has ended; this is its record.
          </Text>
        )}
      </div>

      {attention.length > 0 && (
        <Alert color="orange" title="Why this needs you" variant="light">
          <List spacing={6} mb="sm">
            {attention.map((item, i) => (
              <List.Item key={`${item.kind}:${i}`}>
                <Text fw={600} size="sm">
                  {item.title}
                </Text>
                {item.detail && (
                  <Text size="sm" fs={item.quote ? 'italic' : undefined}>
                    {item.quote ? `“${item.detail}”` : item.detail}
                  </Text>
                )}
                {/* With several kinds of reason, each can be dealt with alone (once per kind: all replies together). */}
                {kinds.size > 1 && attention.findIndex((other) => other.kind === item.kind) === i && (
                  <ResolveAttention externalId={appointment.externalId} patientName={appointment.patient.name} reason={item.kind} label="Dealt with" />
                )}
              </List.Item>
            ))}
          </List>
          <ResolveAttention
            externalId={appointment.externalId}
            patientName={appointment.patient.name}
            label={kinds.size > 1 ? 'All dealt with' : 'Mark as dealt with'}
          />
        </Alert>
      )}

      <StaffActions appointment={appointment} />

      <Grid gap="md">
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Card withBorder>
            <Title order={2} size="h4" mb="sm">
              Conversation
            </Title>
            <MessageThread messages={appointment.messages} patientName={appointment.patient.name} />
            {!CLOSED.includes(appointment.status) && (
              <Card.Section withBorder inheritPadding py="sm" mt="md">
                <ReplyBox externalId={appointment.externalId} patientName={appointment.patient.name} />
              </Card.Section>
            )}
          </Card>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Card withBorder>
            <Title order={2} size="h4" mb="sm">
              Timeline
            </Title>
            <AppointmentTimeline entries={appointment.timeline} />
          </Card>
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
