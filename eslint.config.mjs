// Lint rules: typescript-eslint everywhere, type-aware promise checks, and determinism guards for workflow code.
import { builtinModules } from 'node:module';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

// Workflow code runs in Temporal's deterministic sandbox and is replayed from history: anything that
// reads the time-zone database, the network, the disk or the database belongs in activities.
// (Date and Math.random need no ban: the sandbox replaces them with deterministic versions.)
const workflowForbiddenModules = [
  ...builtinModules,
  'luxon',
  'pg',
  '@temporalio/activity',
  '@temporalio/client',
  '@temporalio/worker',
].map((name) => ({ name, message: 'not allowed in workflow code: do this in an activity' }));

export default defineConfig(
  { ignores: ['dist/**', 'node_modules/**', 'src/generated/**', '.data/**', 'web/src/gql/**', 'test-artifacts/**'] },
  {
    // The web app (web/) is type-checked with its own tsconfig.json, which the project service finds.
    files: ['**/*.ts', '**/*.tsx', '**/*.mts'],
    extends: [tseslint.configs.recommended],
    languageOptions: {
      parserOptions: {
        // prisma.config.ts is read by the Prisma CLI, not compiled with the project.
        projectService: { allowDefaultProject: ['prisma.config.ts'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // A promise nobody awaits loses its error, and in workflow code breaks the command order.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      // Same convention as the compiler's noUnusedParameters: a leading underscore marks "unused on purpose".
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: ['src/workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: workflowForbiddenModules,
          patterns: [
            { group: ['node:*'], message: 'Node built-ins are not allowed in workflow code: do this in an activity' },
            {
              group: ['@prisma/*', '**/generated/prisma', '**/generated/prisma/**', '**/db', '**/db/*'],
              message: 'workflows never touch the database: do this in an activity',
            },
            {
              group: ['**/activities', '**/activities/**'],
              allowTypeImports: true,
              message: 'workflows reach activities through proxyActivities: import their types only',
            },
          ],
        },
      ],
    },
  },
  {
    // Plain CommonJS scripts that run before anything is compiled (scripts/bootstrap.js).
    files: ['**/*.js'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { process: 'readonly', console: 'readonly' },
    },
  },
);
