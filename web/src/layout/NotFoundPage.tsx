// Any address the app has no page for.
import { Anchor, EmptyState } from '@mantine/core';
import { Link } from 'react-router-dom';

export function NotFoundPage() {
  return (
    <EmptyState
      title="No such page"
      description={
        <>
          Nothing lives at this address. <Anchor component={Link} to="/">Back to today</Anchor>
        </>
      }
    />
  );
}
