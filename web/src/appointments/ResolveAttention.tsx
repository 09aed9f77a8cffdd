// "Dealt with": clears why an appointment needs a person (all reasons, or one kind), with a note for
// the timeline. The server's refusal is shown in the dialog, under the note.
import { Button, Group, Modal, Stack, Textarea } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useState } from 'react';
import { useMutation } from 'urql';
import { graphql } from '../gql';
import { describeError } from '../graphql/errors';

const ResolveAttentionDocument = graphql(`
  mutation ResolveAttention($externalId: ID!, $reason: String, $note: String) {
    resolveAttention(externalId: $externalId, reason: $reason, note: $note) {
      externalId
      needsAttention
      attentionReasons
      timeline {
        at
        kind
        detail
      }
    }
  }
`);

interface Props {
  externalId: string;
  patientName: string;
  /** A reason kind (reply, unconfirmed…) to clear alone; all of them when left out. */
  reason?: string;
  label?: string;
}

export function ResolveAttention({ externalId, patientName, reason, label = 'Mark as dealt with' }: Props) {
  const [opened, dialog] = useDisclosure(false);
  const [note, setNote] = useState('');
  const [state, resolve] = useMutation(ResolveAttentionDocument);
  const [error, setError] = useState<string | null>(null);

  async function submit() {
    setError(null);
    const result = await resolve({ externalId, reason: reason ?? null, note: note.trim() || null });
    if (result.error) {
      setError(describeError(result.error));
      return;
    }
    setNote('');
    dialog.close();
  }

  return (
    <>
      <Button size="xs" variant="light" onClick={dialog.open}>
        {label}
      </Button>
      <Modal opened={opened} onClose={dialog.close} title={`Dealt with: ${patientName}`} closeButtonProps={{ 'aria-label': 'Close' }}>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <Stack>
            <Textarea
              label="What was done"
              description="Optional; kept in the appointment's timeline."
              placeholder="e.g. Called the patient, moved to Friday 10:00"
              value={note}
              onChange={(e) => setNote(e.currentTarget.value)}
              error={error}
              maxLength={500}
              autosize
              minRows={2}
              data-autofocus
            />
            <Group justify="flex-end">
              <Button variant="default" onClick={dialog.close}>
                Not yet
              </Button>
              <Button type="submit" loading={state.fetching}>
                Mark as dealt with
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </>
  );
}
