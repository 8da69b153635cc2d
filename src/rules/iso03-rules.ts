import type { MessageRules } from '../spec/types.js';

/**
 * The presence rules ISO 8583:2003 states for its common message types (version digit `2`), to add to a 2003
 * preset with `withRules(presets.iso03ascii, ISO03_RULES)`: the same floor as {@link ISO93_RULES}, which the 2003
 * message tables keep for these types, with the MTIs of 2003; no conditional or forbidden rules, and nothing we
 * could not establish (see docs/rules.md).
 *
 * - 2100, 2200, 2420: DE3 processing code, DE4 amount (with its currency in 2003), DE11 STAN, DE24 function code;
 * - 2110, 2210, 2430: DE11 and DE39 action code;
 * - 2804: DE11 and DE24; 2814: DE11 and DE39.
 *
 * Why: the 2003 presets get the standard's floor as the 1987 and 1993 ones do; the formats of these elements
 * changed (a 12-digit STAN, an `an` processing code, a 4-digit action code), their presence did not.
 */
export const ISO03_RULES = {
  '2100': { mandatory: [3, 4, 11, 24] },
  '2110': { mandatory: [11, 39] },
  '2200': { mandatory: [3, 4, 11, 24] },
  '2210': { mandatory: [11, 39] },
  '2420': { mandatory: [3, 4, 11, 24] },
  '2430': { mandatory: [11, 39] },
  '2804': { mandatory: [11, 24] },
  '2814': { mandatory: [11, 39] },
} as const satisfies MessageRules;
