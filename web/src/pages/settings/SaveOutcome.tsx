// What became of a save, under a settings form: saved, or refused with the reason. A refusal that names
// fields says so here and the server's message for each stands beside its field.
import { Alert, Text } from '@mantine/core';
import type { CombinedError } from 'urql';
import { describeError } from '../../graphql/errors';

export function SaveOutcome({ error, saved, notSaved }: { error?: CombinedError; saved: boolean; notSaved: string }) {
  if (error) {
    const namesFields = error.graphQLErrors.some((e) => Array.isArray(e.extensions?.fields));
    return (
      <Alert color="red" title={notSaved} role="alert">
        {namesFields ? 'Nothing was changed. Correct the fields marked in red and save again.' : describeError(error)}
      </Alert>
    );
  }
  return saved ? (
    <Text role="status" c="teal.9" fw={500}>
      Saved.
    </Text>
  ) : null;
}
