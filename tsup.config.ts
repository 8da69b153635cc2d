import { readFileSync } from 'node:fs';
import { defineConfig } from 'tsup';

const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };

/** The package's import paths; the CLI shares their chunks in ESM (its bin is ESM, so it has no CJS build). */
const libraryEntries = { index: 'src/index.ts', testing: 'src/testing/index.ts', net: 'src/net/index.ts', security: 'src/security/index.ts' };

export default defineConfig({
  entry: { ...libraryEntries, cli: 'src/cli/bin.ts' },
  format: ['esm', 'cjs'],
  // Splitting puts each module (the converter registry, Iso8583Error...) in one shared chunk per format, so every
  // entry point of a format sees the same registry and the same classes; without it each entry bundles its own.
  // For CJS, tsup builds ESM chunks and rollup (the treeshake pass) rewrites them as CJS chunks that require each other.
  splitting: true,
  esbuildOptions(options, { format }) {
    if (format === 'cjs') options.entryPoints = libraryEntries;
  },
  dts: { entry: libraryEntries },
  target: 'node20',
  platform: 'node',
  sourcemap: true,
  clean: true,
  treeshake: true,
  external: ['fast-check'],
  define: { __VERSION__: JSON.stringify(version) },
});
