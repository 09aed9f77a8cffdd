// Staff write to the patient in their own words (SMS, sent now, recorded in the thread). A refusal —
// opted out, quiet hours, the provider's — is shown under the text, which is kept for another try.
import { Button, Group, Stack, Text, Textarea } from '@mantine/core';
import { useRef, useState } from 'react';
import { useMutation, type CombinedError } from 'urql';
import { useClinicDates, type ClinicDates } from '../../clinic/dates';
import { graphql } from '../../gql';
import { describeError, fieldError } from '../../graphql/errors';

const SendMessageDocument = graphql(`
  mutation SendMessage($externalId: ID!, $body: String!, $idempotencyKey: String) {
    sendMessage(externalId: $externalId, body: $body, idempotencyKey: $idempotencyKey) {
      ...AppointmentDetail
    }
  }
`);

/** 128 random bits in hex; crypto.randomUUID would need a secure context, and the app may be served over plain HTTP inside a clinic. */
function newIdempotencyKey(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** The server's limit for one staff message (10 SMS segments). */
const MAX_LENGTH = 1600;

function refusal(error: CombinedError, dates: ClinicDates): string {
  const first = error.graphQLErrors[0];
  switch (first?.extensions?.code) {
    case 'PATIENT_OPTED_OUT':
      return 'This patient has opted out of messages, so ARO sends them nothing. Call them instead.';
    case 'QUIET_HOURS': {
      const until = first.extensions.until;
      return typeof until === 'string'
        ? `It is the clinic's quiet hours: nothing was sent. Messages can go again from ${dates.dateTime(until)}.`
        : first.message;
    }
    case 'BAD_USER_INPUT':
      return fieldError(error, 'body') ?? first.message;
    default:
      return describeError(error);
  }
}

export function ReplyBox({ externalId, patientName }: { externalId: string; patientName: string }) {
  const dates = useClinicDates();
  const [body, setBody] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [sending, send] = useMutation(SendMessageDocument);
  // One key per message: pressing Send again on the same text after a lost answer cannot send it twice.
  const attempt = useRef<{ text: string; key: string } | null>(null);

  async function submit() {
    const text = body.trim();
    if (!text) {
      setError('Write something to send.');
      return;
    }
    setError(null);
    if (attempt.current?.text !== text) attempt.current = { text, key: newIdempotencyKey() };
    const result = await send({ externalId, body: text, idempotencyKey: attempt.current.key });
    // Only a lost answer keeps the key: a refusal is an answer, and pressing Send again is a new try.
    if (!result.error || result.error.graphQLErrors.length > 0) attempt.current = null;
    if (result.error) {
      setError(refusal(result.error, dates));
      return;
    }
    setBody('');
  }

  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <Stack gap="xs">
        <Textarea
          label={`Reply to ${patientName}`}
          description="Sent now by SMS and kept in the conversation."
          value={body}
          onChange={(e) => setBody(e.currentTarget.value)}
          error={error}
          maxLength={MAX_LENGTH}
          autosize
          minRows={2}
          maxRows={8}
        />
        <Group justify="space-between">
          <Text size="xs" c="dimmed">
            {body.length} / {MAX_LENGTH}
          </Text>
          <Button type="submit" loading={sending.fetching}>
            Send
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
