import type { MessageSpec } from '../../src/index.js';

/**
 * The spec the rules tests put rules on: ASCII MTI, binary bitmap, a 2-character header and a few 1987 elements
 * (variable DE2, DE35 and DE54, binary DE52), so a rule can name a field of each kind.
 *
 * Why: spec/rules/rules.spec.ts and spec/rules/rules-schema.spec.ts judge rules against the same fields.
 */
export const rulesBase = {
  name: 'rules-test',
  header: { length: 2, encoding: 'ascii' },
  mti: { encoding: 'ascii' },
  bitmap: { format: 'binary' },
  fields: {
    2: { kind: 'n', length: 19, prefix: 'LL/ascii', encoding: 'ascii' },
    3: { kind: 'n', length: 6, encoding: 'ascii' },
    4: { kind: 'n', length: 12, encoding: 'ascii' },
    11: { kind: 'n', length: 6, encoding: 'ascii' },
    14: { kind: 'n', length: 4, encoding: 'ascii' },
    35: { kind: 'z', length: 37, prefix: 'LL/ascii', encoding: 'ascii' },
    39: { kind: 'an', length: 2, encoding: 'ascii' },
    52: { kind: 'b', length: 8, encoding: 'binary' },
    54: { kind: 'an', length: 120, prefix: 'LLL/ascii', encoding: 'ascii' },
  },
} as const satisfies MessageSpec;
