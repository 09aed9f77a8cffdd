// The clinic's API keys: who has one (by name), a new one (its key shown this once, with a copy
// button: only its hash is kept) and revoking one, after a confirmation, effective on its next request.
import { Alert, Badge, Button, Code, CopyButton, Group, Modal, Stack, Table, Text, TextInput, VisuallyHidden } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from 'urql';
import { useClinicDates } from '../../clinic/dates';
import { graphql } from '../../gql';
import type { ApiKeysQuery } from '../../gql/graphql';
import { describeError, fieldError } from '../../graphql/errors';
import { queryStatus } from '../../layout/QueryStatus';
import { ScrollableTable } from '../../layout/ScrollableTable';

const ApiKeysDocument = graphql(`
  query ApiKeys {
    me {
      id
      apiKeys {
        id
        name
        createdAt
        revokedAt
      }
    }
  }
`);

const CreateApiKeyDocument = graphql(`
  mutation CreateApiKey($name: String!) {
    createApiKey(name: $name) {
      apiKey
      key {
        id
        name
        createdAt
        revokedAt
      }
    }
  }
`);

const RevokeApiKeyDocument = graphql(`
  mutation RevokeApiKey($id: ID!) {
    revokeApiKey(id: $id)
  }
`);

type ApiKey = ApiKeysQuery['me']['apiKeys'][number];

export function ApiKeySettings() {
  const dates = useClinicDates();
  const [result, reload] = useQuery({ query: ApiKeysDocument });
  const { data } = result;
  const [creating, create] = useMutation(CreateApiKeyDocument);
  const [revoking, revoke] = useMutation(RevokeApiKeyDocument);
  const [name, setName] = useState('');
  const [toRevoke, setToRevoke] = useState<ApiKey | null>(null);
  const [revokeError, setRevokeError] = useState<string | null>(null);

  const status = queryStatus(result, 'the API keys');
  if (status || !data) return status;

  async function createKey(event: FormEvent) {
    event.preventDefault();
    const result = await create({ name });
    if (!result.error) {
      setName('');
      reload({ requestPolicy: 'network-only' });
    }
  }

  async function revokeKey(key: ApiKey) {
    setRevokeError(null);
    const result = await revoke({ id: key.id });
    setToRevoke(null);
    if (result.error) setRevokeError(`Could not revoke “${key.name}”: ${describeError(result.error)}`);
    reload({ requestPolicy: 'network-only' });
  }

  const created = creating.data?.createApiKey;
  return (
    <Stack maw={760}>
      <Text size="sm" c="dimmed">
        Each person or system that talks to ARO should have its own key, named after who uses it, so one can be revoked without stopping the others.
      </Text>
      <ScrollableTable label="The clinic's API keys" minWidth={420}>
        <Table striped withTableBorder>
          <Table.Caption>The clinic&apos;s API keys</Table.Caption>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Name</Table.Th>
              <Table.Th scope="col">Created</Table.Th>
              <Table.Th scope="col">State</Table.Th>
              <Table.Th scope="col">
                <VisuallyHidden>Actions</VisuallyHidden>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {data.me.apiKeys.map((key) => (
              <Table.Tr key={key.id}>
                <Table.Th scope="row" fw={500}>
                  {key.name}
                </Table.Th>
                <Table.Td>{dates.dateTime(key.createdAt)}</Table.Td>
                <Table.Td>
                  {key.revokedAt ? (
                    <Badge color="gray.8" variant="outline">
                      Revoked {dates.dateTime(key.revokedAt)}
                    </Badge>
                  ) : (
                    <Badge color="teal.9" variant="outline">
                      Active
                    </Badge>
                  )}
                </Table.Td>
                <Table.Td>
                  {!key.revokedAt && (
                    <Button size="compact-sm" variant="outline" color="red" onClick={() => setToRevoke(key)} aria-label={`Revoke ${key.name}`}>
                      Revoke…
                    </Button>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </ScrollableTable>
      {revokeError && (
        <Alert color="red" role="alert" title="Not revoked">
          {revokeError}
        </Alert>
      )}

      <form onSubmit={(e) => void createKey(e)} noValidate aria-label="New API key">
        <Group align="flex-start" wrap="wrap">
          <TextInput
            label="Name of the new key"
            placeholder="front desk"
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            error={fieldError(creating.error, 'name') ?? (creating.error ? describeError(creating.error) : undefined)}
            w={{ base: '100%', sm: 300 }}
          />
          <Button type="submit" mt={{ base: 0, sm: 25 }} loading={creating.fetching}>
            Create key
          </Button>
        </Group>
      </form>

      {created && (
        <Alert color="teal" variant="outline" title={`New key “${created.key.name}”: copy it now`} role="status">
          <Stack gap="xs">
            <Text size="sm">ARO keeps only a fingerprint of it: this is the only time it is shown.</Text>
            <Group gap="xs" wrap="nowrap">
              <Code data-testid="new-api-key" style={{ overflowWrap: 'anywhere' }}>
                {created.apiKey}
              </Code>
              <CopyButton value={created.apiKey}>
                {({ copied, copy }) => (
                  <Button size="compact-sm" variant="default" onClick={copy} aria-label={copied ? 'Copied the new key' : 'Copy the new key'}>
                    {copied ? 'Copied' : 'Copy'}
                  </Button>
                )}
              </CopyButton>
            </Group>
          </Stack>
        </Alert>
      )}

      <Modal
        opened={toRevoke !== null}
        onClose={() => setToRevoke(null)}
        title={toRevoke ? `Revoke the key “${toRevoke.name}”?` : ''}
        closeButtonProps={{ 'aria-label': 'Close' }}
      >
        <Stack>
          <Text size="sm">
            Anything using this key is refused from its next request. This cannot be undone; if this browser tab signed in with it, you will be signed
            out.
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setToRevoke(null)}>
              Keep it
            </Button>
            <Button color="red" loading={revoking.fetching} onClick={() => toRevoke && void revokeKey(toRevoke)}>
              Revoke key
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
