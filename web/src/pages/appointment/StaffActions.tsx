// The front desk's actions on one appointment; each answers with the appointment after it, and a
// refusal (e.g. "cannot confirm: the appointment is cancelled") is shown under the buttons.
import { Alert, Button, Group, Modal, Stack, Textarea } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useState } from 'react';
import { useMutation, type CombinedError } from 'urql';
import { graphql } from '../../gql';
import type { AppointmentStatus } from '../../gql/graphql';
import { describeError } from '../../graphql/errors';
import type { AppointmentDetail } from './appointment-detail';

const ConfirmDocument = graphql(`
  mutation ConfirmAppointment($externalId: ID!) {
    confirmAppointment(externalId: $externalId) {
      ...AppointmentDetail
    }
  }
`);

const CancelDocument = graphql(`
  mutation CancelAppointment($externalId: ID!, $reason: String) {
    cancelAppointment(externalId: $externalId, reason: $reason) {
      ...AppointmentDetail
    }
  }
`);

const ResendDocument = graphql(`
  mutation ResendReminder($externalId: ID!) {
    resendReminder(externalId: $externalId) {
      ...AppointmentDetail
    }
  }
`);

const MarkAttendanceDocument = graphql(`
  mutation MarkAttendance($externalId: ID!, $outcome: AttendanceOutcome!) {
    markAttendance(externalId: $externalId, outcome: $outcome) {
      ...AppointmentDetail
    }
  }
`);

export const CLOSED: AppointmentStatus[] = ['CANCELLED', 'COMPLETED', 'NO_SHOW'];
/** Attendance can be marked from a little before the start (an early check-in). */
const ATTENDANCE_FROM_MS = 60 * 60 * 1000;
const CONFIRMABLE: AppointmentStatus[] = ['SCHEDULED', 'AWAITING_CONFIRMATION', 'RESCHEDULE_REQUESTED'];

export function StaffActions({ appointment }: { appointment: AppointmentDetail }) {
  const { externalId, status } = appointment;
  const [confirming, confirm] = useMutation(ConfirmDocument);
  const [cancelling, cancel] = useMutation(CancelDocument);
  const [resending, resend] = useMutation(ResendDocument);
  const [marking, mark] = useMutation(MarkAttendanceDocument);
  const [failure, setFailure] = useState<{ action: string; error: CombinedError } | null>(null);
  const [cancelOpen, cancelDialog] = useDisclosure(false);
  const [reason, setReason] = useState('');

  if (CLOSED.includes(status)) return null;
  const startsIn = Date.parse(appointment.startsAt) - Date.now();

  async function run(action: string, perform: () => Promise<{ error?: CombinedError }>): Promise<boolean> {
    setFailure(null);
    const result = await perform();
    if (result.error) setFailure({ action, error: result.error });
    return !result.error;
  }

  return (
    <Stack gap="xs">
      <Group gap="xs">
        {CONFIRMABLE.includes(status) && (
          <Button loading={confirming.fetching} onClick={() => void run('confirm', () => confirm({ externalId }))}>
            Confirm
          </Button>
        )}
        <Button variant="default" loading={resending.fetching} onClick={() => void run('resend the reminder', () => resend({ externalId }))}>
          Resend reminder
        </Button>
        <Button variant="outline" color="red" onClick={cancelDialog.open}>
          Cancel appointment…
        </Button>
      </Group>
      {startsIn <= ATTENDANCE_FROM_MS && (
        <Group gap="xs">
          <Button
            variant="default"
            loading={marking.fetching && marking.operation?.variables.outcome === 'ATTENDED'}
            onClick={() => void run('mark it attended', () => mark({ externalId, outcome: 'ATTENDED' }))}
          >
            Mark attended
          </Button>
          {startsIn <= 0 && (
            <Button
              variant="default"
              loading={marking.fetching && marking.operation?.variables.outcome === 'NO_SHOW'}
              onClick={() => void run('mark it a no-show', () => mark({ externalId, outcome: 'NO_SHOW' }))}
            >
              Mark no-show
            </Button>
          )}
        </Group>
      )}
      {failure && (
        <Alert color="red" title={`Could not ${failure.action}`} role="alert">
          {describeError(failure.error)}
        </Alert>
      )}
      <Modal opened={cancelOpen} onClose={cancelDialog.close} title="Cancel this appointment?" closeButtonProps={{ 'aria-label': 'Close' }}>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void run('cancel', () => cancel({ externalId, reason: reason.trim() || null })).then((done) => {
              cancelDialog.close();
              if (done) setReason('');
            });
          }}
        >
          <Stack>
            <Textarea
              label="Reason"
              description="Kept in the appointment's record; the patient is told the appointment is cancelled if they have had messages."
              value={reason}
              onChange={(e) => setReason(e.currentTarget.value)}
              maxLength={500}
              autosize
              minRows={2}
            />
            <Group justify="flex-end">
              <Button variant="default" onClick={cancelDialog.close}>
                Keep it
              </Button>
              <Button type="submit" color="red" loading={cancelling.fetching}>
                Cancel appointment
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </Stack>
  );
}
