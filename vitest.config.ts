import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig } from 'vitest/config';

const source = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  resolve: {
    // The reference authorizer imports the library by its package name, as a copy of it in an integrator's project
    // does. Node resolves that name to dist/ (through package.json's exports); the tests resolve it to the sources,
    // like every other test, never to a dist/ that may be stale or being rebuilt.
    alias: [
      { find: /^iso8583-codec$/, replacement: source('./src/index.ts') },
      { find: /^iso8583-codec\/net$/, replacement: source('./src/net/index.ts') },
      { find: /^iso8583-codec\/security$/, replacement: source('./src/security/index.ts') },
      { find: /^iso8583-codec\/testing$/, replacement: source('./src/testing/index.ts') },
    ],
  },
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
