// The reminder policy as a form: the touches, quiet hours, limits, the confirmation deadline and what a
// "CANCEL" reply does. The server checks the whole policy; a refusal changes nothing and its message
// for each field stands beside that field.
import { ActionIcon, Button, Checkbox, Fieldset, Group, NumberInput, Select, Stack, Switch, Text, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, type CombinedError } from 'urql';
import { STATUS_WORDS } from '../../appointments/words';
import { graphql } from '../../gql';
import type { PolicyFieldsFragment, PolicyInput } from '../../gql/graphql';
import { fieldError } from '../../graphql/errors';
import { queryStatus } from '../../layout/QueryStatus';
import { durationHint } from './durations';
import { SaveOutcome } from './SaveOutcome';

graphql(`
  fragment PolicyFields on Policy {
    version
    bookingConfirmation {
      enabled
      channel
    }
    reminders {
      before
      channel
      template
      asksConfirmation
      onlyIf
    }
    quietHours {
      start
      end
    }
    frequencyCap {
      perDay
      perWeek
    }
    confirmationDeadline
    cancelKeyword
    confirmCancelByReply
    cancelQuestionTtl
    autoReplyLimit
    rescheduleUrl
  }
`);

const PolicySettingsDocument = graphql(`
  query PolicySettings {
    me {
      id
      policy {
        ...PolicyFields
      }
      templates {
        id
        kind
      }
    }
  }
`);

const UpdatePolicyDocument = graphql(`
  mutation UpdatePolicy($input: PolicyInput!) {
    updatePolicy(input: $input) {
      id
      policy {
        ...PolicyFields
      }
    }
  }
`);

/** The policy allows no more touches than this (src/domain/policy.ts). */
const MAX_REMINDERS = 10;
const CHANNELS = [
  { value: 'SMS', label: 'SMS' },
  { value: 'WHATSAPP', label: 'WhatsApp' },
];

type Reminder = PolicyFieldsFragment['reminders'][number];

interface Draft {
  bookingConfirmation: PolicyFieldsFragment['bookingConfirmation'];
  reminders: Reminder[];
  quietHoursOn: boolean;
  quietStart: string;
  quietEnd: string;
  perDay: number | string;
  perWeek: number | string;
  autoReplyLimit: number | string;
  deadlineOn: boolean;
  confirmationDeadline: string;
  cancelKeyword: PolicyFieldsFragment['cancelKeyword'];
  confirmCancelByReply: boolean;
  cancelQuestionTtl: string;
  rescheduleUrl: string;
}

function draftOf(p: PolicyFieldsFragment): Draft {
  return {
    bookingConfirmation: { enabled: p.bookingConfirmation.enabled, channel: p.bookingConfirmation.channel },
    reminders: p.reminders.map((r) => ({ ...r })),
    quietHoursOn: p.quietHours !== null && p.quietHours !== undefined,
    quietStart: p.quietHours?.start ?? '21:00',
    quietEnd: p.quietHours?.end ?? '08:00',
    perDay: p.frequencyCap.perDay,
    perWeek: p.frequencyCap.perWeek,
    autoReplyLimit: p.autoReplyLimit,
    deadlineOn: Boolean(p.confirmationDeadline),
    confirmationDeadline: p.confirmationDeadline ?? 'PT24H',
    cancelKeyword: p.cancelKeyword,
    confirmCancelByReply: p.confirmCancelByReply,
    cancelQuestionTtl: p.cancelQuestionTtl,
    rescheduleUrl: p.rescheduleUrl ?? '',
  };
}

/** Numbers the form needs before it can ask the server at all (GraphQL has no "empty" Int). */
const WHOLE_NUMBERS = { 'frequencyCap.perDay': 'perDay', 'frequencyCap.perWeek': 'perWeek', autoReplyLimit: 'autoReplyLimit' } as const;

function inputOf(d: Draft): PolicyInput {
  return {
    bookingConfirmation: d.bookingConfirmation,
    reminders: d.reminders.map((r) => ({ before: r.before.trim(), channel: r.channel, template: r.template, asksConfirmation: r.asksConfirmation, onlyIf: r.onlyIf })),
    quietHours: d.quietHoursOn ? { start: d.quietStart, end: d.quietEnd } : null,
    frequencyCap: { perDay: Number(d.perDay), perWeek: Number(d.perWeek) },
    autoReplyLimit: Number(d.autoReplyLimit),
    confirmationDeadline: d.deadlineOn ? d.confirmationDeadline.trim() : null,
    cancelKeyword: d.cancelKeyword,
    confirmCancelByReply: d.confirmCancelByReply,
    cancelQuestionTtl: d.cancelQuestionTtl.trim(),
    rescheduleUrl: d.rescheduleUrl.trim() || null,
  };
}

export function PolicySettings() {
  const [result] = useQuery({ query: PolicySettingsDocument });
  const { data } = result;
  const [saving, updatePolicy] = useMutation(UpdatePolicyDocument);
  const status = queryStatus(result, 'the policy');
  if (status || !data) return status;
  const kinds = [...new Set(data.me.templates.map((t) => t.kind))].sort();
  // A new version (saved here or elsewhere) starts the form afresh from what the server stored.
  return (
    <PolicyForm
      key={data.me.policy.version}
      policy={data.me.policy}
      templateKinds={kinds}
      saving={saving.fetching}
      saved={Boolean(saving.data) && !saving.error}
      error={saving.error}
      onSave={(input) => void updatePolicy({ input })}
    />
  );
}

interface PolicyFormProps {
  policy: PolicyFieldsFragment;
  templateKinds: string[];
  saving: boolean;
  saved: boolean;
  error?: CombinedError;
  onSave: (input: PolicyInput) => void;
}

function PolicyForm({ policy, templateKinds, saving, saved, error, onSave }: PolicyFormProps) {
  const [draft, setDraft] = useState(() => draftOf(policy));
  const [missing, setMissing] = useState<Record<string, string>>({});
  const set = (changes: Partial<Draft>) => setDraft((d) => ({ ...d, ...changes }));
  const setReminder = (index: number, changes: Partial<Reminder>) =>
    setDraft((d) => ({ ...d, reminders: d.reminders.map((r, i) => (i === index ? { ...r, ...changes } : r)) }));
  /** The form's own check first, then the server's message for the field (by its path under input). */
  const problem = (field: string) => missing[field] ?? fieldError(error, field);

  function save(event: FormEvent) {
    event.preventDefault();
    const empty = Object.entries(WHOLE_NUMBERS).filter(([, key]) => draft[key] === '');
    setMissing(Object.fromEntries(empty.map(([field]) => [field, 'enter a whole number'])));
    if (empty.length === 0) onSave(inputOf(draft));
  }

  return (
    <form onSubmit={save} noValidate aria-label="Reminder policy">
      <Stack maw={760}>
        <Text size="sm" c="dimmed">
          Version {policy.version}. New appointments follow the policy as saved; booked ones keep the version they started with.
        </Text>

        <Fieldset legend="Messages before the visit">
          <Stack>
            <Group align="flex-end" wrap="wrap">
              <Switch
                label="Send a booking confirmation"
                checked={draft.bookingConfirmation.enabled}
                onChange={(e) => set({ bookingConfirmation: { ...draft.bookingConfirmation, enabled: e.currentTarget.checked } })}
              />
              <Select
                label="Booking confirmation channel"
                data={CHANNELS}
                value={draft.bookingConfirmation.channel}
                onChange={(v) => v && set({ bookingConfirmation: { ...draft.bookingConfirmation, channel: v as Reminder['channel'] } })}
                allowDeselect={false}
                disabled={!draft.bookingConfirmation.enabled}
                w={{ base: '100%', sm: 240 }}
              />
            </Group>
            {draft.reminders.map((r, i) => (
              <Fieldset key={i} legend={`Reminder ${i + 1}`} variant="filled">
                <Group align="flex-start" wrap="wrap" gap="sm">
                  <TextInput
                    label="Before the start"
                    description={durationHint(r.before, 'P2D or PT2H')}
                    value={r.before}
                    onChange={(e) => setReminder(i, { before: e.currentTarget.value })}
                    error={problem(`reminders.${i}.before`)}
                    w={{ base: '100%', sm: 220 }}
                  />
                  <Select
                    label="Channel"
                    data={CHANNELS}
                    value={r.channel}
                    onChange={(v) => v && setReminder(i, { channel: v as Reminder['channel'] })}
                    allowDeselect={false}
                    error={problem(`reminders.${i}.channel`)}
                    w={{ base: '100%', sm: 140 }}
                  />
                  <Select
                    label="Template"
                    data={[...new Set([...templateKinds, r.template])]}
                    value={r.template}
                    onChange={(v) => v && setReminder(i, { template: v })}
                    allowDeselect={false}
                    searchable
                    error={problem(`reminders.${i}.template`)}
                    w={{ base: '100%', sm: 220 }}
                  />
                </Group>
                <Group mt="sm" justify="space-between" wrap="wrap">
                  <Checkbox
                    label="Asks the patient to confirm"
                    checked={r.asksConfirmation}
                    onChange={(e) => setReminder(i, { asksConfirmation: e.currentTarget.checked })}
                  />
                  {r.onlyIf && (
                    <Text size="sm" c="dimmed">
                      Only when {r.onlyIf.map((s) => STATUS_WORDS[s].label.toLowerCase()).join(', ')}
                    </Text>
                  )}
                  <ActionIcon
                    variant="subtle"
                    color="red"
                    aria-label={`Remove reminder ${i + 1}`}
                    onClick={() => set({ reminders: draft.reminders.filter((_, j) => j !== i) })}
                  >
                    ✕
                  </ActionIcon>
                </Group>
              </Fieldset>
            ))}
            {fieldError(error, 'reminders') && (
              <Text c="red.8" size="sm">
                {fieldError(error, 'reminders')}
              </Text>
            )}
            <Group>
              <Button
                variant="default"
                disabled={draft.reminders.length >= MAX_REMINDERS}
                onClick={() =>
                  set({ reminders: [...draft.reminders, { before: 'P1D', channel: 'SMS', template: templateKinds.includes('reminder_confirm') ? 'reminder_confirm' : (templateKinds[0] ?? ''), asksConfirmation: false, onlyIf: null }] })
                }
              >
                Add a reminder
              </Button>
            </Group>
          </Stack>
        </Fieldset>

        <Fieldset legend="Quiet hours and limits">
          <Stack>
            <Switch
              label="Quiet hours"
              description="Routine messages wait until they end; times are the clinic's. They may run past midnight (21:00 to 08:00)."
              checked={draft.quietHoursOn}
              onChange={(e) => set({ quietHoursOn: e.currentTarget.checked })}
            />
            <Group wrap="wrap" align="flex-start">
              <TextInput
                type="time"
                label="Quiet from"
                value={draft.quietStart}
                onChange={(e) => set({ quietStart: e.currentTarget.value })}
                disabled={!draft.quietHoursOn}
                error={problem('quietHours.start')}
                w={160}
              />
              <TextInput
                type="time"
                label="Quiet until"
                value={draft.quietEnd}
                onChange={(e) => set({ quietEnd: e.currentTarget.value })}
                disabled={!draft.quietHoursOn}
                error={problem('quietHours.end')}
                w={160}
              />
            </Group>
            <Group wrap="wrap" align="flex-start">
              <NumberInput
                label="Routine messages per patient a day"
                value={draft.perDay}
                onChange={(v) => set({ perDay: v })}
                allowDecimal={false}
                allowNegative={false}
                error={problem('frequencyCap.perDay')}
                w={{ base: '100%', sm: 280 }}
              />
              <NumberInput
                label="Routine messages per patient a week"
                value={draft.perWeek}
                onChange={(v) => set({ perWeek: v })}
                allowDecimal={false}
                allowNegative={false}
                error={problem('frequencyCap.perWeek')}
                w={{ base: '100%', sm: 280 }}
              />
            </Group>
            <Text size="sm" c="dimmed">
              Cancellations and time changes always go, whatever the limits.
            </Text>
            <NumberInput
              label="Automatic answers to unclear replies"
              description="Per appointment in any 24 hours; past it ARO stays silent and staff still see every reply."
              value={draft.autoReplyLimit}
              onChange={(v) => set({ autoReplyLimit: v })}
              allowDecimal={false}
              allowNegative={false}
              error={problem('autoReplyLimit')}
              w={{ base: '100%', sm: 280 }}
            />
          </Stack>
        </Fieldset>

        <Fieldset legend="Confirmation">
          <Stack>
            <Switch
              label="Flag appointments still unconfirmed near the start"
              checked={draft.deadlineOn}
              onChange={(e) => set({ deadlineOn: e.currentTarget.checked })}
            />
            <TextInput
              label="Confirmation deadline (before the start)"
              description={durationHint(draft.confirmationDeadline, 'PT24H')}
              value={draft.confirmationDeadline}
              onChange={(e) => set({ confirmationDeadline: e.currentTarget.value })}
              disabled={!draft.deadlineOn}
              error={problem('confirmationDeadline')}
              w={{ base: '100%', sm: 320 }}
            />
          </Stack>
        </Fieldset>

        <Fieldset legend="Cancelling by text">
          <Stack>
            <Select
              label="A bare “CANCEL” reply"
              data={[
                { value: 'OPT_OUT_AND_ASK', label: 'Opts out and asks about the appointment' },
                { value: 'CANCEL_APPOINTMENT', label: 'Cancels the appointment' },
              ]}
              value={draft.cancelKeyword}
              onChange={(v) => v && set({ cancelKeyword: v as Draft['cancelKeyword'] })}
              allowDeselect={false}
              error={problem('cancelKeyword')}
              w={{ base: '100%', sm: 380 }}
            />
            <Switch
              label="Ask “Reply YES to cancel” before cancelling on the patient's own words"
              checked={draft.confirmCancelByReply}
              onChange={(e) => set({ confirmCancelByReply: e.currentTarget.checked })}
            />
            <TextInput
              label="The question stays open for"
              description={durationHint(draft.cancelQuestionTtl, 'PT12H')}
              value={draft.cancelQuestionTtl}
              onChange={(e) => set({ cancelQuestionTtl: e.currentTarget.value })}
              disabled={!draft.confirmCancelByReply}
              error={problem('cancelQuestionTtl')}
              w={{ base: '100%', sm: 320 }}
            />
          </Stack>
        </Fieldset>

        <Fieldset legend="Rescheduling">
          <TextInput
            label="Reschedule page"
            description="The booking system's https page for choosing a new time; templates link to it with {{link}}. Empty: no link."
            placeholder="https://booking.example/reschedule"
            value={draft.rescheduleUrl}
            onChange={(e) => set({ rescheduleUrl: e.currentTarget.value })}
            error={problem('rescheduleUrl')}
          />
        </Fieldset>

        <Group>
          <Button type="submit" loading={saving}>
            Save policy
          </Button>
        </Group>
        <SaveOutcome error={error} saved={saved} notSaved="The policy was not saved" />
      </Stack>
    </form>
  );
}
