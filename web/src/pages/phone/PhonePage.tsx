// Dev mode only: the phones ARO has written to, each conversation as the patient sees it on their
// phone, and a box to type the patient's reply — to play a whole lifecycle in the browser.
import { Box, Button, Card, EmptyState, Grid, Group, NavLink, Select, Stack, Text, TextInput } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { useMutation, useQuery } from 'urql';
import { useClinicDates } from '../../clinic/dates';
import { graphql } from '../../gql';
import type { DevPhonesQuery } from '../../gql/graphql';
import { describeError } from '../../graphql/errors';
import { Bubble } from '../../layout/Bubble';
import { PageTitle } from '../../layout/AppLayout';
import { queryStatus } from '../../layout/QueryStatus';
import { useRefreshOnActivity } from '../../live/activity';

const DevPhonesDocument = graphql(`
  query DevPhones {
    devPhones {
      phone
      patientName
      messages {
        at
        body
        direction
      }
    }
  }
`);

const DevPatientReplyDocument = graphql(`
  mutation DevPatientReply($phone: String!, $body: String!) {
    devPatientReply(phone: $phone, body: $body)
  }
`);

type DevPhone = DevPhonesQuery['devPhones'][number];

export function PhonePage() {
  const [result, refresh] = useQuery({ query: DevPhonesDocument });
  // Every message ARO writes or receives lands on some phone.
  useRefreshOnActivity((a) => a.kind !== 'appointment', () => refresh({ requestPolicy: 'network-only' }));
  const [params, setParams] = useSearchParams();
  const narrow = useMediaQuery('(max-width: 48em)');

  const status = queryStatus(result, 'the phones');
  if (status || !result.data) {
    return (
      <>
        <PageTitle>Patient phone</PageTitle>
        {status}
      </>
    );
  }
  const phones = result.data.devPhones;
  const selected = phones.find((p) => p.phone === params.get('phone')) ?? phones[0];
  const choose = (phone: string | null) => phone && setParams({ phone }, { replace: true });
  const label = (p: DevPhone) => (p.patientName ? `${p.patientName} (${p.phone})` : p.phone);

  return (
    <>
      <PageTitle>Patient phone</PageTitle>
      <Text c="dimmed" size="sm" mb="md">
        Dev mode: what each patient&apos;s phone shows, and their replies typed by you. Nothing here reaches a real phone.
      </Text>
      {!selected ? (
        <EmptyState title="No phone has had a message yet" description="Book an appointment: its booking confirmation shows up here." />
      ) : (
        <Grid gap="md">
          <Grid.Col span={{ base: 12, sm: 4 }}>
            {narrow ? (
              <Select label="Phone" data={phones.map((p) => ({ value: p.phone, label: label(p) }))} value={selected.phone} onChange={choose} allowDeselect={false} />
            ) : (
              <Box component="nav" aria-label="Phones">
                {phones.map((p) => (
                  <NavLink
                    key={p.phone}
                    label={
                      <>
                        {p.patientName ?? 'Unknown patient'}
                        <Text size="xs">{p.phone}</Text>
                      </>
                    }
                    active={p.phone === selected.phone}
                    variant="light"
                    onClick={() => choose(p.phone)}
                    aria-current={p.phone === selected.phone ? 'true' : undefined}
                  />
                ))}
              </Box>
            )}
          </Grid.Col>
          <Grid.Col span={{ base: 12, sm: 8 }}>
            <PhoneScreen key={selected.phone} phone={selected} />
          </Grid.Col>
        </Grid>
      )}
    </>
  );
}

/** One phone's messages app: the clinic's messages on the left, the patient's own on the right. */
function PhoneScreen({ phone }: { phone: DevPhone }) {
  const dates = useClinicDates();
  const [body, setBody] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [sending, reply] = useMutation(DevPatientReplyDocument);

  async function submit() {
    const text = body.trim();
    if (!text) {
      setError('Type the patient’s reply first.');
      return;
    }
    setError(null);
    setNotice(null);
    const result = await reply({ phone: phone.phone, body: text });
    if (result.error) {
      setError(describeError(result.error));
      return;
    }
    setBody('');
    if (result.data?.devPatientReply === false) setNotice('This phone has no open appointment: ARO kept the reply in its audit log only.');
  }

  return (
    <Card withBorder radius="lg" maw={420} mx={{ base: 0, sm: 'auto' }} p={0}>
      <Box px="md" py="sm" bg="gray.1">
        <Text fw={600}>{phone.patientName ?? 'Unknown patient'}</Text>
        <Text size="xs" c="dimmed">
          {phone.phone}
        </Text>
      </Box>
      <Stack gap="xs" p="md" role="log" aria-label={`Messages on ${phone.phone}`} mih={240}>
        {phone.messages.map((m, i) => {
          const mine = m.direction === 'from_patient';
          return (
            <Bubble
              key={`${m.at}:${i}`}
              side={mine ? 'right' : 'left'}
              bg={mine ? 'blue.8' : 'gray.2'}
              c={mine ? 'white' : 'black'}
              direction={mine ? 'from-patient' : 'to-patient'}
            >
              <Text size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
                {m.body}
              </Text>
              <Text size="xs" c={mine ? 'blue.0' : 'gray.7'} ta={mine ? 'right' : 'left'}>
                {dates.dateTime(m.at)}
              </Text>
            </Bubble>
          );
        })}
      </Stack>
      <Box
        component="form"
        p="sm"
        style={{ borderTop: '1px solid var(--mantine-color-gray-3)' }}
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <Group gap="xs" align="flex-start" wrap="nowrap">
          <TextInput
            label="Patient's reply"
            placeholder="e.g. yes, or can we move it to Friday?"
            value={body}
            onChange={(e) => setBody(e.currentTarget.value)}
            error={error}
            style={{ flex: 1 }}
          />
          <Button type="submit" loading={sending.fetching} mt={25}>
            Send
          </Button>
        </Group>
        {notice && (
          <Text size="sm" mt="xs" role="status">
            {notice}
          </Text>
        )}
      </Box>
    </Card>
  );
}
