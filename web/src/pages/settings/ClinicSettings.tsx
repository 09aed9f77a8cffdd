// The clinic's own details: its name (in every message as {{clinic}}), its time zone (every date on
// screen and in messages) and the language of patients who have none of their own.
import { Button, Group, Select, Stack, Text, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, type CombinedError } from 'urql';
import { graphql } from '../../gql';
import type { ClinicDetailsQuery, UpdateTenantInput } from '../../gql/graphql';
import { fieldError } from '../../graphql/errors';
import { queryStatus } from '../../layout/QueryStatus';
import { SaveOutcome } from './SaveOutcome';

const ClinicDetailsDocument = graphql(`
  query ClinicDetails {
    me {
      id
      name
      timeZone
      defaultLocale
      plan
      channels {
        provider
      }
    }
  }
`);

const UpdateClinicDocument = graphql(`
  mutation UpdateClinic($input: UpdateTenantInput!) {
    updateTenant(input: $input) {
      id
      name
      timeZone
      defaultLocale
    }
  }
`);

const TIME_ZONES = Intl.supportedValuesOf('timeZone');

export function ClinicSettings() {
  const [result] = useQuery({ query: ClinicDetailsDocument });
  const { data } = result;
  const [saving, update] = useMutation(UpdateClinicDocument);
  const status = queryStatus(result, "the clinic's details");
  if (status || !data) return status;
  return (
    <ClinicForm
      clinic={data.me}
      saving={saving.fetching}
      saved={Boolean(saving.data) && !saving.error}
      error={saving.error}
      onSave={(input) => void update({ input })}
    />
  );
}

interface ClinicFormProps {
  clinic: ClinicDetailsQuery['me'];
  saving: boolean;
  saved: boolean;
  error?: CombinedError;
  onSave: (input: UpdateTenantInput) => void;
}

function ClinicForm({ clinic, saving, saved, error, onSave }: ClinicFormProps) {
  const [name, setName] = useState(clinic.name);
  const [timeZone, setTimeZone] = useState(clinic.timeZone);
  const [defaultLocale, setDefaultLocale] = useState(clinic.defaultLocale);
  const zones = TIME_ZONES.includes(clinic.timeZone) ? TIME_ZONES : [clinic.timeZone, ...TIME_ZONES];

  function save(event: FormEvent) {
    event.preventDefault();
    onSave({ name, timeZone, defaultLocale: defaultLocale.trim() });
  }

  return (
    <form onSubmit={save} noValidate aria-label="Clinic details">
      <Stack maw={520}>
        <TextInput
          label="Clinic name"
          description="Patients read it in every message ({{clinic}})."
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          error={fieldError(error, 'name')}
        />
        <Select
          label="Time zone"
          description="Every date and time on screen and in messages is in this zone."
          data={zones}
          value={timeZone}
          onChange={(v) => v && setTimeZone(v)}
          allowDeselect={false}
          searchable
          error={fieldError(error, 'timeZone')}
        />
        <TextInput
          label="Default language"
          description="For patients with none of their own, e.g. en, es or pt-BR."
          value={defaultLocale}
          onChange={(e) => setDefaultLocale(e.currentTarget.value)}
          error={fieldError(error, 'defaultLocale')}
          w={200}
        />
        <Text size="sm" c="dimmed">
          Plan: {clinic.plan}. Messages go through {clinic.channels.provider === 'dev' ? 'the dev provider (stored, not sent)' : clinic.channels.provider}; the
          operator sets the provider&apos;s credentials.
        </Text>
        <Group>
          <Button type="submit" loading={saving}>
            Save details
          </Button>
        </Group>
        <SaveOutcome error={error} saved={saved} notSaved="The clinic's details were not saved" />
      </Stack>
    </form>
  );
}
