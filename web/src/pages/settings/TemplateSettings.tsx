// The clinic's message templates, one kind, language and channel at a time: edit the text and see it
// as a patient will read it (rendered by the server as it types, with the SMS segments it costs); a
// {{variable}} the server does not know is shown beside the text, with the server's message.
import { Badge, Button, Center, Grid, Group, Loader, Paper, Select, Stack, Table, Text, Textarea, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useEffect, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { graphql } from '../../gql';
import type { Channel, TemplatePreviewQuery } from '../../gql/graphql';
import { describeError, fieldError } from '../../graphql/errors';
import { queryStatus } from '../../layout/QueryStatus';
import { SaveOutcome } from './SaveOutcome';

const TemplateSettingsDocument = graphql(`
  query TemplateSettings {
    me {
      id
      defaultLocale
      templates {
        id
        kind
        locale
        channel
        body
        updatedAt
      }
    }
  }
`);

const TemplatePreviewDocument = graphql(`
  query TemplatePreview($input: TemplatePreviewInput!) {
    templatePreview(input: $input) {
      body
      segments
      variables {
        name
        value
      }
    }
  }
`);

const UpsertTemplateDocument = graphql(`
  mutation UpsertTemplate($input: TemplateInput!) {
    upsertTemplate(input: $input) {
      id
      kind
      locale
      channel
      body
      updatedAt
    }
  }
`);

/** Languages offered besides the clinic's own, so a clinic can add one (the server checks the code). */
const COMMON_LOCALES = ['en', 'es', 'pt-BR', 'fr', 'de', 'it', 'nl', 'pl', 'ar', 'zh', 'vi'];
const CHANNELS: { value: Channel; label: string }[] = [
  { value: 'SMS', label: 'SMS' },
  { value: 'WHATSAPP', label: 'WhatsApp' },
];
/** How long typing pauses before the preview is asked for again. */
const PREVIEW_DELAY_MS = 300;

type StoredTemplate = { kind: string; locale: string; channel: Channel; body: string };

export function TemplateSettings() {
  const [result] = useQuery({ query: TemplateSettingsDocument });
  const { data } = result;
  const [kind, setKind] = useState<string | null>(null);
  const [locale, setLocale] = useState<string | null>(null);
  const [channel, setChannel] = useState<Channel>('SMS');
  const status = queryStatus(result, 'the templates');
  if (status || !data) return status;

  const templates = data.me.templates;
  const kinds = [...new Set(templates.map((t) => t.kind))].sort();
  const chosenKind = kind ?? (kinds.includes('reminder_confirm') ? 'reminder_confirm' : kinds[0]);
  const chosenLocale = locale ?? data.me.defaultLocale;
  const locales = [...new Set([data.me.defaultLocale, ...templates.map((t) => t.locale), ...COMMON_LOCALES])];
  const stored = templates.find((t) => t.kind === chosenKind && t.locale === chosenLocale && t.channel === channel);
  // WhatsApp falls back to the SMS text until the clinic writes one: start from what patients get now.
  const fallback = templates.find((t) => t.kind === chosenKind && t.locale === chosenLocale && t.channel === 'SMS');

  return (
    <Stack>
      <Group align="flex-end" wrap="wrap">
        <Select label="Kind" data={kinds} value={chosenKind} onChange={setKind} allowDeselect={false} searchable w={{ base: '100%', sm: 260 }} />
        <Select label="Language" data={locales} value={chosenLocale} onChange={setLocale} allowDeselect={false} searchable w={{ base: '100%', sm: 140 }} />
        <Select
          label="Channel"
          data={CHANNELS}
          value={channel}
          onChange={(v) => v && setChannel(v as Channel)}
          allowDeselect={false}
          w={{ base: '100%', sm: 140 }}
        />
      </Group>
      {chosenKind ? (
        <TemplateEditor
          key={`${chosenKind}/${chosenLocale}/${channel}`}
          template={{ kind: chosenKind, locale: chosenLocale, channel, body: stored?.body ?? fallback?.body ?? '' }}
          isNew={!stored}
        />
      ) : (
        <Text>This clinic has no templates yet.</Text>
      )}
    </Stack>
  );
}

function TemplateEditor({ template, isNew }: { template: StoredTemplate; isNew: boolean }) {
  const { kind, locale, channel } = template;
  const [body, setBody] = useState(template.body);
  const [draft] = useDebouncedValue(body, PREVIEW_DELAY_MS);
  const [preview] = useQuery({ query: TemplatePreviewDocument, variables: { input: { kind, locale, channel, body: draft } } });
  const [saving, upsert] = useMutation(UpsertTemplateDocument);
  const [attempted, setAttempted] = useState<string | null>(null);
  // The last good rendering stays on screen while the next one is on its way.
  const [shown, setShown] = useState<TemplatePreviewQuery['templatePreview'] | null>(null);
  useEffect(() => {
    if (preview.data) setShown(preview.data.templatePreview);
  }, [preview.data]);

  // A refused save speaks about the text it was given; once the text changes, the preview speaks.
  const saveError = attempted === body ? saving.error : undefined;
  const bodyProblem = fieldError(saveError, 'body') ?? (draft === body ? fieldError(preview.error, 'body') : undefined);
  const otherPreviewProblem = preview.error && !fieldError(preview.error, 'body') ? describeError(preview.error) : undefined;
  const unsaved = body !== template.body || isNew;

  return (
    <Grid gap="lg">
      <Grid.Col span={{ base: 12, md: 6 }}>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            setAttempted(body);
            void upsert({ input: { kind, locale, channel, body } });
          }}
          noValidate
        >
          <Stack>
            <Textarea
              label="Text"
              description="Use {{name}}, {{clinic}}, {{date}}, {{time}}, {{provider}}, {{location}} and, with a reschedule page, {{link}}."
              value={body}
              onChange={(e) => setBody(e.currentTarget.value)}
              error={bodyProblem}
              autosize
              minRows={4}
              maxRows={12}
            />
            {isNew && (
              <Text size="sm" c="dimmed">
                No {channel === 'WHATSAPP' ? 'WhatsApp' : 'SMS'} text of this kind in {locale} yet
                {channel === 'WHATSAPP' && template.body ? ': patients get the SMS text until you save one.' : '.'}
              </Text>
            )}
            <Group>
              <Button type="submit" loading={saving.fetching} disabled={!unsaved}>
                Save template
              </Button>
              {body !== template.body && (
                <Button variant="default" onClick={() => setBody(template.body)}>
                  Undo changes
                </Button>
              )}
            </Group>
            <SaveOutcome error={saveError} saved={attempted === body && Boolean(saving.data) && !saving.error} notSaved="The template was not saved" />
          </Stack>
        </form>
      </Grid.Col>
      <Grid.Col span={{ base: 12, md: 6 }}>
        <section aria-labelledby="template-preview-title">
          <Group justify="space-between" mb="xs">
            <Title order={2} size="h4" id="template-preview-title">
              Preview
            </Title>
            {shown && !preview.error && (
              <Badge variant="outline" color="gray.8">
                {channel === 'SMS' ? `${shown.segments} SMS segment${shown.segments === 1 ? '' : 's'}` : 'WhatsApp'}
              </Badge>
            )}
          </Group>
          {preview.error ? (
            <Text c="dimmed" size="sm">
              {otherPreviewProblem ?? 'The preview shows again once the text is one ARO can send.'}
            </Text>
          ) : shown ? (
            <Stack>
              <Paper withBorder p="md" radius="lg" bg="gray.0" aria-live="polite" data-testid="template-preview">
                <Text style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>{shown.body}</Text>
              </Paper>
              <Table striped withTableBorder fz="sm">
                <Table.Caption>Variables and the sample values of this preview</Table.Caption>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">Variable</Table.Th>
                    <Table.Th scope="col">Sample</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {shown.variables.map((v) => (
                    <Table.Tr key={v.name}>
                      <Table.Td>{`{{${v.name}}}`}</Table.Td>
                      <Table.Td style={{ overflowWrap: 'anywhere' }}>{v.value}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Stack>
          ) : (
            <Center p="md">
              <Loader size="sm" aria-label="Rendering the preview" />
            </Center>
          )}
        </section>
      </Grid.Col>
    </Grid>
  );
}
