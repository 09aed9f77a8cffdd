// Sign-in with one of the clinic's API keys; the key is checked against the API before it is kept.
import { Button, Center, Paper, PasswordInput, Stack, Text, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { ClinicDocument } from '../clinic/clinic';
import { createClinicClient } from '../graphql/client';
import { describeError } from '../graphql/errors';
import { keepApiKey } from './session';

export function SignInPage({ onSignedIn }: { onSignedIn: (key: string) => void }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [checking, setChecking] = useState(false);

  async function signIn(event: FormEvent) {
    event.preventDefault();
    const candidate = key.trim();
    if (!candidate) {
      setError('Paste the clinic API key (it starts with aro_).');
      return;
    }
    setChecking(true);
    setError(null);
    const result = await createClinicClient(candidate, () => undefined).query(ClinicDocument, {}, { requestPolicy: 'network-only' }).toPromise();
    setChecking(false);
    if (result.data) {
      keepApiKey(candidate);
      onSignedIn(candidate);
      return;
    }
    const code = result.error?.graphQLErrors[0]?.extensions?.code;
    if (code === 'UNAUTHENTICATED') setError('This API key was not accepted. Check it, or ask for a new one.');
    else if (code === 'FORBIDDEN') setError('This is not a clinic API key (an operator key opens no clinic). Use a key of the clinic.');
    else setError(result.error ? describeError(result.error) : 'Signing in failed.');
  }

  return (
    <Center mih="100dvh" p="md" component="main">
      <Paper withBorder shadow="sm" p="xl" radius="md" w="100%" maw={420}>
        <form onSubmit={(e) => void signIn(e)} noValidate>
          <Stack>
            <Title order={1} size="h2">
              ARO front desk
            </Title>
            <Text c="dimmed" size="sm">
              Sign in with your clinic&apos;s API key. It is kept in this browser tab only and forgotten when the tab closes.
            </Text>
            <PasswordInput
              label="API key"
              placeholder="aro_…"
              value={key}
              onChange={(e) => setKey(e.currentTarget.value)}
              error={error}
              autoComplete="off"
              data-autofocus
            />
            <Button type="submit" loading={checking}>
              Sign in
            </Button>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
