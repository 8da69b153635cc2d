import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'library',
          include: ['spec/**/*.spec.ts'],
          exclude: [...configDefaults.exclude, 'spec/authorizer/**'],
          typecheck: { enabled: true, include: ['spec/**/*.spec-d.ts'], tsconfig: './tsconfig.json' },
        },
      },
      {
        extends: true,
        test: {
          // The reference authorizer's tests need Postgres: checked once, before any of them runs. One file at a
          // time: each opens up to 32 connections, and two suites side by side must stay under max_connections.
          name: 'authorizer',
          include: ['spec/authorizer/**/*.spec.ts'],
          globalSetup: ['spec/authorizer/global-setup.ts'],
          maxWorkers: 1,
        },
      },
    ],
  },
});
