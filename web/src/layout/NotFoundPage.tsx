// Any address the app has no page for.
import { Anchor, Text } from '@mantine/core';
import { Link } from 'react-router-dom';
import { PageTitle } from './AppLayout';

export function NotFoundPage() {
  return (
    <>
      <PageTitle>No such page</PageTitle>
      <Text>
        Nothing lives at this address.{' '}
        <Anchor component={Link} to="/">
          Back to today
        </Anchor>
      </Text>
    </>
  );
}
