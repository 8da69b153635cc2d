import type { MessageRules } from '../spec/types.js';

/**
 * The presence rules ISO 8583:1987 states for its common message types, to add to a 1987 preset with
 * `withRules(presets.iso87ascii, ISO87_RULES)`: only elements the standard's table marks mandatory for the type,
 * read from its public descriptions; no conditional or forbidden rules (their conditions are a network's).
 *
 * - requests and advices that move an amount (0100, 0200, 0400, 0420): DE3 processing code, DE4 amount,
 *   DE11 systems trace audit number;
 * - their responses (0110, 0210, 0410, 0430): DE11 and DE39 response code;
 * - network management (0800): DE7 transmission date and time, DE11 and DE70 network management information
 *   code; its response (0810) DE39 too.
 *
 * Why: the standard's table is a floor every network builds on; a network's own specification adds its
 * mandatory fields (DE41, DE49, DE37 …) and its conditions, as a table of its own, see docs/spec-tables.md.
 */
export const ISO87_RULES = {
  '0100': { mandatory: [3, 4, 11] },
  '0110': { mandatory: [11, 39] },
  '0200': { mandatory: [3, 4, 11] },
  '0210': { mandatory: [11, 39] },
  '0400': { mandatory: [3, 4, 11] },
  '0410': { mandatory: [11, 39] },
  '0420': { mandatory: [3, 4, 11] },
  '0430': { mandatory: [11, 39] },
  '0800': { mandatory: [7, 11, 70] },
  '0810': { mandatory: [7, 11, 39, 70] },
} as const satisfies MessageRules;
