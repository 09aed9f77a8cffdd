// The needs-attention inbox: every appointment a person should look at.
import { EmptyState } from '@mantine/core';
import { AppointmentList } from '../../appointments/AppointmentList';
import { PageTitle } from '../../layout/AppLayout';

export function InboxPage() {
  return (
    <>
      <PageTitle>Needs attention</PageTitle>
      <AppointmentList
        filter={{ needsAttention: true }}
        empty={<EmptyState title="Nothing needs you" description="Replies ARO cannot answer, failed deliveries and unconfirmed visits near their start appear here." />}
      />
    </>
  );
}
