// ESLint (flat config): typescript-eslint's recommended rules for every TypeScript and JavaScript file of the
// monorepo, React's hook rules for the dashboard. Rules are turned off only with the reason beside them.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/node_modules/**', 'dist/**', '**/dist/**', 'coverage/**', 'references/**', 'test-output/**', 'libs/inference/native/build/**'] },
  {
    files: ['apps/**/*.{ts,tsx,js}', 'libs/**/*.{ts,js}', 'test/**/*.{ts,js}', 'bench/**/*.{ts,js}', 'infra/**/*.{ts,js}', 'migrations/**/*.ts', 'bin/**/*.js'],
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    languageOptions: { globals: { ...globals.node, ...globals.jest } },
    rules: {
      // ANSI colour codes and the ASCII separators of templates are matched on purpose.
      'no-control-regex': 'off',
      // Unused arguments and caught errors are kept when they document a signature (a handler's (req, res), a
      // destructured field left out on purpose); a leading underscore says so.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
    },
  },
  {
    // The benchmarks, build scripts and the CLI's launcher are CommonJS scripts run by node directly.
    files: ['bench/**/*.js', 'infra/**/*.js', 'libs/**/*.js', 'bin/**/*.js'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // The CLI loads NestJS, TypeORM and the embedded stack with require() inside the commands that need them, so
    // `densebench --help` answers at once; jest's globalSetup can resolve @app/* only after registering tsconfig paths.
    files: ['apps/cli/src/**/*.ts', 'libs/testing/src/global-setup.ts'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Tests walk JSON answers and documents (OpenAPI, Kubernetes manifests) whose shape their assertions check.
    files: ['**/*.spec.ts', '**/*.e2e-spec.ts', '**/*.test.tsx', 'apps/*/test/**/*.ts', 'test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['apps/dashboard/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    languageOptions: { globals: { ...globals.browser } },
    // The classic hook rules; v7's React Compiler rules (set-state-in-effect …) judge code for a compiler the
    // dashboard does not use.
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'error' },
  },
);
