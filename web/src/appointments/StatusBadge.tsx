// An appointment's state as a coloured word.
import { Badge } from '@mantine/core';
import type { AppointmentStatus } from '../gql/graphql';
import { STATUS_WORDS } from './words';

export function StatusBadge({ status }: { status: AppointmentStatus }) {
  const { label, color } = STATUS_WORDS[status];
  return (
    // A coloured dot beside dark text: the colour helps, the word carries the meaning.
    <Badge color={color} variant="dot" tt="none" size="md">
      {label}
    </Badge>
  );
}
