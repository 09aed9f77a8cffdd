// Entry point: Mantine's theme and styles around the app.
import '@mantine/core/styles.css';
import { MantineProvider, createTheme, type CSSVariablesResolver } from '@mantine/core';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';

// Shades darker than Mantine's defaults wherever colour carries text (buttons, links, badges, dimmed
// text), so every text keeps WCAG AA's 4.5:1 contrast; the browser suite checks it with axe-core.
const theme = createTheme({
  primaryColor: 'teal',
  primaryShade: { light: 9, dark: 6 },
  defaultRadius: 'md',
});

/** Colours the app puts text in; their "light" variants get the darkest text on the palest tint. */
const TEXT_COLORS = ['teal', 'blue', 'green', 'red', 'orange', 'yellow', 'gray'];

const contrastVariables: CSSVariablesResolver = () => ({
  variables: {},
  light: {
    '--mantine-color-dimmed': 'var(--mantine-color-gray-7)',
    // Field errors (the server's message beside a field) in a red dark enough to read.
    '--mantine-color-error': 'var(--mantine-color-red-8)',
    ...Object.fromEntries(
      TEXT_COLORS.flatMap((c) => [
        [`--mantine-color-${c}-light-color`, `var(--mantine-color-${c}-9)`],
        [`--mantine-color-${c}-light`, `var(--mantine-color-${c}-0)`],
      ]),
    ),
  },
  dark: {},
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <MantineProvider theme={theme} cssVariablesResolver={contrastVariables} defaultColorScheme="light">
      <App />
    </MantineProvider>
  </StrictMode>,
);
