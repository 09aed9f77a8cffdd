// One message in a conversation: on the right for the side the reader is on, on the left for the other.
import { Box, type MantineColor } from '@mantine/core';
import type { ReactNode } from 'react';

interface BubbleProps {
  side: 'left' | 'right';
  bg: MantineColor;
  /** Text colour, for dark bubbles. */
  c?: MantineColor;
  /** A border of this colour (CSS variable name part, e.g. teal-2). */
  border?: string;
  /** outbound / inbound, from-patient / to-patient: lets a reader (and a test) tell the sides apart. */
  direction: string;
  children: ReactNode;
}

export function Bubble({ side, bg, c, border, direction, children }: BubbleProps) {
  return (
    <Box
      maw="85%"
      ml={side === 'right' ? 'auto' : 0}
      px="sm"
      py={8}
      bg={bg}
      c={c}
      style={{ borderRadius: 14, border: border ? `1px solid var(--mantine-color-${border})` : undefined }}
      data-direction={direction}
    >
      {children}
    </Box>
  );
}
