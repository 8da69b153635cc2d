import { defineConfig } from 'vitest/config';

/**
 * The suite as mutation testing runs it (`npm run mutation`): the codec's own specs, no type tests, no Postgres,
 * no sockets, no built package; fast-check seeded and not shrinking (spec/helpers/mutation-setup.ts), so each
 * mutant meets the same inputs and a failing run ends at its first counterexample.
 */
export default defineConfig({
  test: {
    include: [
      'spec/bitmap/**/*.spec.ts',
      'spec/codecs/**/*.spec.ts',
      'spec/cursor/**/*.spec.ts',
      'spec/errors/**/*.spec.ts',
      'spec/message/**/*.spec.ts',
      'spec/prefixes/**/*.spec.ts',
      'spec/presets/**/*.spec.ts',
      'spec/spec/**/*.spec.ts',
      'spec/subfields/**/*.spec.ts',
      'spec/describe/**/*.spec.ts',
      'spec/fixtures.spec.ts',
      'spec/properties/**/*.spec.ts',
      'spec/net/framing*.spec.ts',
      'spec/net/frame-reader*.spec.ts',
      'spec/net/options.spec.ts',
    ],
    setupFiles: ['spec/helpers/mutation-setup.ts'],
    typecheck: { enabled: false },
    testTimeout: 60_000,
  },
});
