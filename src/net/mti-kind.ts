/**
 * What the server may do with a frame, by the message function of its MTI (the third digit).
 */

/**
 * - `request`: function 0, 2, 4 or 6 (request, advice, notification, instruction): answered under the MTI with
 *   function + 1 (`responseMti`);
 * - `response`: function 1, 3, 5 or 7 (an answer or acknowledgement): never answered;
 * - `noResponse`: function 8 or 9, reserved by ISO (some networks send acknowledgements under them): there is no
 *   response MTI, so the server itself never answers one (no format error, no system error);
 * - `other`: not four digits (a custom codec's output).
 */
export type MtiKind = 'request' | 'response' | 'noResponse' | 'other';

/** The {@link MtiKind} of any value, without a regular expression: it runs once per frame. */
export function mtiKind(mti: unknown): MtiKind {
  if (typeof mti !== 'string' || mti.length !== 4) return 'other';
  for (let i = 0; i < 4; i++) {
    const c = mti.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return 'other';
  }
  const f = mti.charCodeAt(2) - 0x30;
  return f >= 8 ? 'noResponse' : f % 2 === 1 ? 'response' : 'request';
}
