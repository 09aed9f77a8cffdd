// The messages between the clinic and the patient as a conversation: the clinic's on the right, the
// patient's on the left, each outbound one with its delivery status.
import { Badge, Group, Stack, Text } from '@mantine/core';
import { deliveryWords, messageKindWords } from '../../appointments/timeline-words';
import { useClinicDates } from '../../clinic/dates';
import { Bubble } from '../../layout/Bubble';
import type { AppointmentDetail } from './appointment-detail';

export function MessageThread({ messages, patientName }: { messages: AppointmentDetail['messages']; patientName: string }) {
  const dates = useClinicDates();
  if (messages.length === 0) return <Text c="dimmed">No messages yet.</Text>;
  const oldestFirst = [...messages].sort((a, b) => a.at.localeCompare(b.at));
  return (
    <Stack gap="sm" role="log" aria-label={`Conversation with ${patientName}`}>
      {oldestFirst.map((m, i) => {
        const fromClinic = m.direction === 'OUTBOUND';
        const delivery = deliveryWords(m.status);
        return (
          <Bubble
            key={`${m.at}:${i}`}
            side={fromClinic ? 'right' : 'left'}
            bg={fromClinic ? 'teal.0' : 'gray.1'}
            border={fromClinic ? 'teal-2' : 'gray-3'}
            direction={fromClinic ? 'outbound' : 'inbound'}
          >
            <Text size="xs" c="dimmed" mb={2}>
              {fromClinic ? messageKindWords(m.kind) : patientName}
              {m.channel === 'WHATSAPP' ? ' · WhatsApp' : ''}
            </Text>
            <Text size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
              {m.body}
            </Text>
            <Group gap={6} mt={4} justify={fromClinic ? 'flex-end' : 'flex-start'}>
              <Text size="xs" c="dimmed">
                {dates.dateTime(m.at)}
              </Text>
              {fromClinic && (
                <Badge size="sm" variant="dot" tt="none" color={delivery.color}>
                  {delivery.label}
                  {m.errorCode ? ` (error ${m.errorCode})` : ''}
                </Badge>
              )}
            </Group>
          </Bubble>
        );
      })}
    </Stack>
  );
}
