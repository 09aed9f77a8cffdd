// One appointment: its state, timeline, message thread and the staff actions.
import { Alert, Center, Loader } from '@mantine/core';
import { useParams } from 'react-router-dom';
import { useQuery } from 'urql';
import { StatusBadge } from '../../appointments/StatusBadge';
import { graphql } from '../../gql';
import { describeError } from '../../graphql/errors';
import { PageTitle } from '../../layout/AppLayout';

const AppointmentDocument = graphql(`
  query Appointment($externalId: ID!) {
    appointment(externalId: $externalId) {
      externalId
      status
      startsAt
      patient {
        name
      }
    }
  }
`);

export function AppointmentPage() {
  const { externalId = '' } = useParams();
  const [result] = useQuery({ query: AppointmentDocument, variables: { externalId } });
  if (result.error) return <Alert color="red">{describeError(result.error)}</Alert>;
  if (!result.data) return <Center p="lg"><Loader aria-label="Loading the appointment" /></Center>;
  const appointment = result.data.appointment;
  if (!appointment) return <Alert color="yellow" title="No such appointment">This clinic has no appointment {externalId}.</Alert>;
  return (
    <>
      <PageTitle>{appointment.patient.name}</PageTitle>
      <StatusBadge status={appointment.status} />
    </>
  );
}
