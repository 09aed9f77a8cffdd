// What the appointment page shows, read once and answered again by every staff action.
import { graphql } from '../../gql';
import type { AppointmentDetailFragment } from '../../gql/graphql';

export const AppointmentDetailFragmentDoc = graphql(`
  fragment AppointmentDetail on Appointment {
    externalId
    status
    startsAt
    durationMinutes
    provider
    location
    source
    needsAttention
    attentionReasons
    patient {
      name
      phone
      locale
    }
    nextTouch {
      at
      kind
    }
    messages {
      at
      body
      channel
      direction
      kind
      status
      errorCode
      providerMessageId
    }
    timeline {
      at
      kind
      detail
    }
  }
`);

export const AppointmentDocument = graphql(`
  query Appointment($externalId: ID!) {
    appointment(externalId: $externalId) {
      ...AppointmentDetail
    }
  }
`);

export type AppointmentDetail = AppointmentDetailFragment;
