import type { MessageRules } from '../spec/types.js';

/**
 * The presence rules ISO 8583:1993 states for its common message types (version digit `1`), to add to a 1993
 * preset with `withRules(presets.iso93ascii, ISO93_RULES)`: only elements the standard's message tables mark
 * mandatory for the type, read from their public descriptions; no conditional or forbidden rules (their conditions
 * are a network's), and nothing we could not establish (see docs/rules.md for what is left out, and why).
 *
 * - authorization and financial requests and the reversal advice (1100, 1200, 1420): DE3 processing code, DE4
 *   amount, DE11 systems trace audit number and DE24 function code (what the message asks: 100, 200, 400 …);
 * - their responses (1110, 1210, 1430): DE11 and DE39, the action code of 1993;
 * - network management (1804): DE11 and DE24, where 1993 puts the network management function (DE70 is a country
 *   code in 1993); its response (1814): DE11 and DE39.
 *
 * Why: the standard's table is a floor every 1993 network builds on; a network's own specification adds its
 * mandatory fields (DE12, DE32, DE41 …) and its conditions, as a table of its own, see docs/spec-tables.md.
 */
export const ISO93_RULES = {
  '1100': { mandatory: [3, 4, 11, 24] },
  '1110': { mandatory: [11, 39] },
  '1200': { mandatory: [3, 4, 11, 24] },
  '1210': { mandatory: [11, 39] },
  '1420': { mandatory: [3, 4, 11, 24] },
  '1430': { mandatory: [11, 39] },
  '1804': { mandatory: [11, 24] },
  '1814': { mandatory: [11, 39] },
} as const satisfies MessageRules;
