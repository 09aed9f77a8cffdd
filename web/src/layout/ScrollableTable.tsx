// A wide table that scrolls sideways on a narrow screen; the scrolling box takes the keyboard focus
// (and has a name), so it can be scrolled without a mouse.
import { Table } from '@mantine/core';
import type { ReactNode } from 'react';

export function ScrollableTable({ label, minWidth, children }: { label: string; minWidth: number; children: ReactNode }) {
  return (
    <Table.ScrollContainer minWidth={minWidth} type="native" tabIndex={0} role="region" aria-label={label}>
      {children}
    </Table.ScrollContainer>
  );
}
