// The messages between the clinic and the patient as a conversation: the clinic's on the right, the
// patient's on the left, each outbound one with its delivery status.
import { Badge, Box, Group, Stack, Text } from '@mantine/core';
import { deliveryWords, messageKindWords } from '../../appointments/timeline-words';
import { useClinicDates } from '../../clinic/dates';
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
          <Box
            key={`${m.at}:${i}`}
            maw="85%"
            ml={fromClinic ? 'auto' : 0}
            p="sm"
            bg={fromClinic ? 'teal.0' : 'gray.1'}
            style={{ borderRadius: 12, border: `1px solid var(--mantine-color-${fromClinic ? 'teal-2' : 'gray-3'})` }}
            data-direction={fromClinic ? 'outbound' : 'inbound'}
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
          </Box>
        );
      })}
    </Stack>
  );
}
