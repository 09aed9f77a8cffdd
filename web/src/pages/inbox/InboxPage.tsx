// The needs-attention inbox: every appointment a person should look at, why, in the patient's own
// words where there are some, and a way to mark it dealt with.
import { Alert, EmptyState, Group, List, Stack, Text } from '@mantine/core';
import { useQuery } from 'urql';
import { AppointmentList, type AppointmentRow } from '../../appointments/AppointmentList';
import { describeAttention } from '../../appointments/attention';
import { ResolveAttention } from '../../appointments/ResolveAttention';
import { graphql } from '../../gql';
import { describeError } from '../../graphql/errors';
import { PageTitle } from '../../layout/AppLayout';
import { useRefreshOnActivity } from '../../live/activity';

/** The patient's words are in the appointment's thread and timeline, which lists do not carry. */
const AttentionTextsDocument = graphql(`
  query AttentionTexts($externalId: ID!) {
    appointment(externalId: $externalId) {
      externalId
      attentionReasons
      messages {
        direction
        providerMessageId
        body
      }
      timeline {
        at
        kind
        detail
      }
    }
  }
`);

/** Reasons whose words come from the patient: the inbox reads them from the thread and the timeline. */
const QUOTED = /^(reply:|reschedule_requested$)/;

export function InboxPage() {
  return (
    <>
      <PageTitle>Needs attention</PageTitle>
      <AppointmentList
        filter={{ needsAttention: true }}
        detail={(row) => <InboxReasons row={row} />}
        empty={
          <EmptyState
            title="Nothing needs you"
            description="Replies ARO cannot answer, requests to move a visit, failed deliveries and unconfirmed visits near their start appear here."
          />
        }
      />
    </>
  );
}

function InboxReasons({ row }: { row: AppointmentRow }) {
  const quoted = row.attentionReasons.some((r) => QUOTED.test(r));
  const [texts, refresh] = useQuery({ query: AttentionTextsDocument, variables: { externalId: row.externalId }, pause: !quoted });
  useRefreshOnActivity((a) => quoted && a.externalId === row.externalId, () => refresh({ requestPolicy: 'network-only' }));
  const items = describeAttention(row.attentionReasons, texts.data?.appointment ?? {});
  return (
    <Stack gap={4} mt={4}>
      {items.length === 0 && (
        <Text size="sm">Open the appointment to see why.</Text>
      )}
      <List size="sm" spacing={2} aria-label={`Why ${row.patient.name} needs attention`}>
        {items.map((item, i) => (
          <List.Item key={`${item.kind}:${i}`}>
            <Text span size="sm" fw={600}>
              {item.title}
            </Text>
            {item.quote && item.detail && (
              <Text span size="sm" fs="italic">
                {' '}
                “{item.detail}”
              </Text>
            )}
          </List.Item>
        ))}
      </List>
      {texts.error && (
        <Alert color="red" p="xs">
          The patient&apos;s words could not be loaded: {describeError(texts.error)}
        </Alert>
      )}
      <Group gap="xs">
        <ResolveAttention externalId={row.externalId} patientName={row.patient.name} />
      </Group>
    </Stack>
  );
}
