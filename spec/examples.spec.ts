import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '..');
const examples = readdirSync(join(root, 'examples')).filter((f) => f.endsWith('.ts'));

describe('examples', () => {
  it('exist', () => {
    expect(examples.length).toBeGreaterThan(0);
  });

  for (const file of examples) {
    it(`${file} runs to completion without printing a whole PAN`, () => {
      const out = execFileSync(process.execPath, ['--import', 'tsx', join('examples', file)], { cwd: root }).toString();
      expect(out.length).toBeGreaterThan(0);
      for (const pan of ['4111111111111111', '5555555555554444', '378282246310005']) expect(out).not.toContain(pan);
    }, 60_000);
  }
});
