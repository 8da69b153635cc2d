import { expect } from 'vitest';
import { isIso8583NetError } from '../../../src/net/index.js';

/** What a hostile getter throws: card-like digits that must never reach an error text. */
export const SECRET = 'secret 4111111111111111';

/**
 * An option object that cannot be read, in its three forms: a proxy whose every read throws, `base` with a throwing
 * getter `key` (every other property as in `base`), and a revoked proxy.
 */
export function unreadable(base: object, key: string): [string, object][] {
  const thrower = (): never => {
    throw new Error(SECRET);
  };
  const getter = Object.defineProperty({ ...base }, key, { enumerable: true, get: thrower });
  const revocable = Proxy.revocable({}, {});
  revocable.revoke();
  return [
    ['a proxy whose reads throw', new Proxy({}, { get: thrower })],
    [`a throwing getter ${key}`, getter],
    ['a revoked proxy', revocable.proxy],
  ];
}

/** Asserts that `e` is an `Iso8583NetError` with `code` naming `option`, whose text holds nothing of {@link SECRET}. */
export function expectUnread(e: unknown, code: string, option: string): void {
  expect(isIso8583NetError(e), String(e)).toBe(true);
  if (!isIso8583NetError(e)) return;
  expect({ code: e.code, option: e.option }).toEqual({ code, option });
  expect(e.message).toContain(option);
  expect(e.message).not.toContain('4111');
  expect(e.message).not.toContain('secret');
}
