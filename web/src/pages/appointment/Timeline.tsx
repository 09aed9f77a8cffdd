// What happened to the appointment, newest first, in the clinic's time.
import { Text, Timeline } from '@mantine/core';
import { timelineDetail, timelineWords } from '../../appointments/timeline-words';
import { useClinicDates } from '../../clinic/dates';
import type { AppointmentDetail } from './appointment-detail';

export function AppointmentTimeline({ entries }: { entries: AppointmentDetail['timeline'] }) {
  const dates = useClinicDates();
  if (entries.length === 0) return <Text c="dimmed">Nothing has happened yet.</Text>;
  const newestFirst = [...entries].sort((a, b) => b.at.localeCompare(a.at));
  return (
    <Timeline bulletSize={12} lineWidth={2} active={-1}>
      {newestFirst.map((entry, i) => (
        <Timeline.Item key={`${entry.at}:${entry.kind}:${i}`} title={timelineWords(entry.kind)}>
          {entry.detail && (
            <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
              {timelineDetail(entry.kind, entry.detail, dates.dateTime)}
            </Text>
          )}
          <Text size="xs" c="dimmed">
            {dates.dateTime(entry.at)}
          </Text>
        </Timeline.Item>
      ))}
    </Timeline>
  );
}
