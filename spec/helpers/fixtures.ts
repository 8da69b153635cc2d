import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Codec, createCodec, type Message, type MessageSpec, parseHexText, presets, validateSpec } from '../../src/index.js';

/** The fixtures folder at the repository root. */
export const FIXTURES = fileURLToPath(new URL('../../fixtures', import.meta.url));

/** One fixture frame: its bytes, the spec named on its first line, and the expected JSON beside it. */
export interface Fixture {
  readonly name: string;
  readonly specName: string;
  readonly spec: MessageSpec;
  readonly codec: Codec<Message>;
  readonly bytes: Uint8Array;
  readonly text: string;
  readonly expected: unknown;
}

/** Resolves `# spec: NAME` to a preset or to a JSON spec file relative to fixtures/. */
export function resolveSpec(name: string): MessageSpec {
  if (name in presets) return presets[name as keyof typeof presets];
  return validateSpec(JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')));
}

const specCache = new Map<string, MessageSpec>();

/** Loads every `NAME.hex` + `NAME.json` pair in `fixtures/` (or a subfolder). */
export function loadFixtures(subfolder = ''): Fixture[] {
  const dir = join(FIXTURES, subfolder);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.hex'))
    .sort()
    .map((file) => {
      const name = file.slice(0, -4);
      const text = readFileSync(join(dir, file), 'utf8');
      const specName = /^# spec: (\S+)/.exec(text)?.[1];
      if (specName === undefined) throw new Error(`${file} does not start with "# spec: NAME"`);
      let spec = specCache.get(specName);
      if (spec === undefined) {
        spec = resolveSpec(specName);
        specCache.set(specName, spec);
      }
      return {
        name,
        specName,
        spec,
        codec: createCodec(spec) as unknown as Codec<Message>,
        bytes: parseHexText(text),
        text,
        expected: JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as unknown,
      };
    });
}
