import { Iso8583Error, isIso8583Error } from '../../src/index.js';

/** Runs `fn` and returns the Iso8583Error it throws; fails the test if it throws anything else or nothing. */
export function catchIso(fn: () => unknown): Iso8583Error {
  try {
    fn();
  } catch (e) {
    if (isIso8583Error(e)) return e as Iso8583Error;
    throw new Error(`expected an Iso8583Error, got ${String(e)}`);
  }
  throw new Error('expected an Iso8583Error, nothing was thrown');
}
