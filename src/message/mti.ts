import { ErrorCode } from '../errors/codes.js';
import { Iso8583Error } from '../errors/iso8583-error.js';

/**
 * The four positions of a Message Type Identifier, each with its ISO 8583 meaning.
 *
 * Why: handlers route on class and function ("is this an authorization request?") rather than on whole MTIs.
 */
export interface MtiParts {
  /** Position 1: ISO 8583 version digit (`0` 1987, `1` 1993, `2` 2003). */
  readonly version: string;
  /** The year of the version the digit names (`0` 1987, `1` 1993, `2` 2003); `undefined` for national, private and reserved digits. */
  readonly year: MtiVersionYear | undefined;
  /** Position 2: message class (`1` authorization, `2` financial, `4` reversal, `8` network management …). */
  readonly messageClass: string;
  /** Position 3: message function (`0` request, `1` request response, `2` advice, `3` advice response …). */
  readonly messageFunction: string;
  /** Position 4: message origin (`0` acquirer, `1` acquirer repeat, `2` issuer, `3` issuer repeat …). */
  readonly origin: string;
  /** Name of the version. */
  readonly versionName: string;
  /** Name of the class. */
  readonly className: string;
  /** Name of the function. */
  readonly functionName: string;
  /** Name of the origin. */
  readonly originName: string;
}

/**
 * The years of the ISO 8583 versions an MTI's first digit names.
 *
 * Why: code that serves several versions picks the table (`iso87…`, `iso93…`, `iso03…` presets) by the year.
 */
export type MtiVersionYear = 1987 | 1993 | 2003;

// Wire fact: the first MTI digit is the version, 0 1987, 1 1993, 2 2003; 3–7 reserved by ISO, 8 national, 9 private.
// The class, function and origin digits mean the same in every version (2003 named functions 6 and 7).
const YEARS: Record<string, MtiVersionYear> = { '0': 1987, '1': 1993, '2': 2003 };
const VERSIONS: Record<string, string> = { '0': 'ISO 8583:1987', '1': 'ISO 8583:1993', '2': 'ISO 8583:2003', '8': 'national use', '9': 'private use' };
const CLASSES: Record<string, string> = {
  '1': 'authorization',
  '2': 'financial',
  '3': 'file action',
  '4': 'reversal or chargeback',
  '5': 'reconciliation',
  '6': 'administrative',
  '7': 'fee collection',
  '8': 'network management',
  '9': 'reserved by ISO',
};
const FUNCTIONS: Record<string, string> = {
  '0': 'request',
  '1': 'request response',
  '2': 'advice',
  '3': 'advice response',
  '4': 'notification',
  '5': 'notification acknowledgement',
  '6': 'instruction',
  '7': 'instruction acknowledgement',
};
const ORIGINS: Record<string, string> = {
  '0': 'acquirer',
  '1': 'acquirer repeat',
  '2': 'issuer',
  '3': 'issuer repeat',
  '4': 'other',
  '5': 'other repeat',
};

function checkMti(mti: unknown): asserts mti is string {
  if (typeof mti !== 'string' || mti.length !== 4 || !/^[0-9]{4}$/.test(mti)) {
    throw new Iso8583Error(ErrorCode.INVALID_MTI, 'MTI must be a string of four digits', { field: 'mti' });
  }
}

/**
 * Splits an MTI into version, class, function and origin, with their names.
 *
 * @example
 * ```ts
 * mtiParts('0100').className; // 'authorization'
 * ```
 */
export function mtiParts(mti: string): MtiParts {
  checkMti(mti);
  // checkMti made it four digits: each position holds one.
  const version = mti.charAt(0);
  const messageClass = mti.charAt(1);
  const messageFunction = mti.charAt(2);
  const origin = mti.charAt(3);
  return {
    version,
    year: YEARS[version],
    messageClass,
    messageFunction,
    origin,
    versionName: VERSIONS[version] ?? 'reserved',
    className: CLASSES[messageClass] ?? 'reserved',
    functionName: FUNCTIONS[messageFunction] ?? 'reserved',
    originName: ORIGINS[origin] ?? 'reserved',
  };
}

/**
 * Returns the response MTI for a request, advice, notification or instruction: `0100` → `0110`, `0420` → `0430`.
 *
 * Why: the function digit of an answer is the asked function plus one, and the origin of a repeat (`0101`) is
 * answered like the original (`0110`); asking for the response of a response is a mistake and throws.
 *
 * @example
 * ```ts
 * responseMti('0100'); // '0110'
 * responseMti('0401'); // '0410'
 * ```
 */
export function responseMti(mti: string): string {
  const p = mtiParts(mti);
  const f = Number(p.messageFunction);
  if (f % 2 === 1 || f > 7) {
    throw new Iso8583Error(ErrorCode.INVALID_MTI, 'MTI is already a response or acknowledgement', { field: 'mti' });
  }
  const origin = Number(p.origin);
  return `${p.version}${p.messageClass}${f + 1}${origin - (origin % 2)}`;
}

/**
 * Returns the repeat variant of an MTI (`0100` → `0101`, `0420` → `0421`); a repeat stays a repeat.
 *
 * Why: a sender that got no answer retransmits with the repeat origin, and receivers match it to the original.
 *
 * @example
 * ```ts
 * repeatMti('0100'); // '0101'
 * ```
 */
export function repeatMti(mti: string): string {
  const p = mtiParts(mti);
  const origin = Number(p.origin);
  if (origin > 5) throw new Iso8583Error(ErrorCode.INVALID_MTI, 'MTI origin has no repeat variant', { field: 'mti' });
  return `${p.version}${p.messageClass}${p.messageFunction}${origin | 1}`;
}

/**
 * Returns the advice variant of a request (`0100` → `0120`, `0200` → `0220`, `0400` → `0420`).
 *
 * Why: when the acquirer or a stand-in decided without the issuer, the same transaction is sent later as an advice.
 *
 * @example
 * ```ts
 * adviceMti('0100'); // '0120'
 * ```
 */
export function adviceMti(mti: string): string {
  const p = mtiParts(mti);
  if (p.messageFunction !== '0') {
    throw new Iso8583Error(ErrorCode.INVALID_MTI, 'only a request has an advice variant', { field: 'mti' });
  }
  return `${p.version}${p.messageClass}2${p.origin}`;
}

/**
 * Tells whether the MTI is a repeat (odd origin digit: `0101`, `0421`).
 *
 * Why: a repeat is a retransmission of a request already sent; it must get the original decision, not a new one.
 *
 * @example
 * ```ts
 * isRepeatMti('0101'); // true
 * isRepeatMti('0100'); // false
 * ```
 */
export function isRepeatMti(mti: string): boolean {
  return Number(mtiParts(mti).origin) % 2 === 1;
}

/**
 * Tells whether the MTI is an answer (odd function digit: `0110`, `0430`, `0810`).
 *
 * Why: a connection carries requests and answers both ways; this routes each to the right side.
 *
 * @example
 * ```ts
 * isResponseMti('0110'); // true
 * isResponseMti('0800'); // false
 * ```
 */
export function isResponseMti(mti: string): boolean {
  return Number(mtiParts(mti).messageFunction) % 2 === 1;
}
