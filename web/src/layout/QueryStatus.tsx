// What a view shows while its query is under way or after it failed, the same on every page.
import { Alert, Center, Loader } from '@mantine/core';
import type { ReactNode } from 'react';
import type { CombinedError } from 'urql';
import { describeError } from '../graphql/errors';

/**
 * A loader or the failure for `what` ("the appointment"), or null once there is data to show.
 * Data already shown stays on screen while the same query runs again.
 */
export function queryStatus(result: { data?: unknown; error?: CombinedError }, what: string): ReactNode | null {
  if (result.error) {
    return (
      <Alert color="red" title={`${what.replace(/^./, (c) => c.toUpperCase())} could not be loaded`}>
        {describeError(result.error)}
      </Alert>
    );
  }
  if (result.data === undefined) {
    return (
      <Center p="xl">
        <Loader aria-label={`Loading ${what}`} />
      </Center>
    );
  }
  return null;
}
