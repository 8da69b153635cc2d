import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '..');
const examples = readdirSync(join(root, 'examples')).filter((f) => f.endsWith('.ts'));

/**
 * What each example must print: the lines that show it did its job. An example added without an entry here fails
 * the suite, so every example states what it proves.
 */
const EXPECTED: Record<string, readonly (string | RegExp)[]> = {
  'build-response.ts': [
    /^answered 0100 with 0110, \d+ bytes$/m,
    /^2 +Primary account number \(PAN\) +411111\*{6}1111$/m,
    /^38 +Authorization identification response +"A1B2C3"$/m,
    /^39 +Response code +"00"$/m,
  ],
  'custom-converter.ts': ['DE43 is Café Müller, Köln (58 bytes)'],
  'decode-frame.ts': [
    '0100: authorization request',
    'card 411111…1111, amount 000000012550 in currency 840',
    'EMV data: 63 bytes',
    /^response \d+ bytes: 30313130[0-9A-F]+…$/m,
  ],
  'describe-masked.ts': [
    /^2 +Primary account number \(PAN\) +411111\*{6}1111$/m,
    /^14 +Date, expiration \(YYMM\) +\[hidden, 4 chars\]$/m,
    /^ {2}35\.pan +PAN +411111\*{6}1111$/m,
    /^52 +Personal identification number \(PIN\) data +\[hidden, 8 bytes\]$/m,
    /^ {2}55\.9F26 +Application cryptogram +\[hidden, 8 bytes\]$/m,
    /^ {2}55\.9F02 +Amount, authorised \(numeric\) +000000001000$/m,
  ],
  'property-test-handler.ts': ['the handler answers every valid 0100 correctly (500 generated requests)'],
};

describe('examples', () => {
  it('each has its expected output listed here', () => {
    expect(examples.sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const file of examples) {
    it(`${file} runs to completion, prints what it shows, and never a whole PAN`, () => {
      // A synchronous child blocks the test's own timeout: its timeout is the hang guard (no example comes near it).
      const out = execFileSync(process.execPath, ['--import', 'tsx', join('examples', file)], { cwd: root, timeout: 120_000 }).toString();
      for (const expected of EXPECTED[file] ?? []) {
        if (typeof expected === 'string') expect(out).toContain(expected);
        else expect(out).toMatch(expected);
      }
      for (const pan of ['4111111111111111', '5555555555554444', '378282246310005']) expect(out).not.toContain(pan);
    }, 180_000);
  }
});
