import { describe, expect, it } from 'vitest';
import { ErrorCode, Iso8583Error, isIso8583Error } from '../../src/index.js';

describe('Iso8583Error', () => {
  it('carries code, field, offset and a value-free detail', () => {
    const e = new Iso8583Error(ErrorCode.LENGTH_EXCEEDS_MAX, 'length 21 exceeds maximum 19', { field: '2', offset: 23 });
    expect(e.code).toBe('LENGTH_EXCEEDS_MAX');
    expect(e.field).toBe('2');
    expect(e.offset).toBe(23);
    expect(e.message).toBe('LENGTH_EXCEEDS_MAX: field 2 at offset 23: length 21 exceeds maximum 19');
    expect(e.name).toBe('Iso8583Error');
    expect(e).toBeInstanceOf(Error);
  });

  it('formats a message without location when none is known', () => {
    expect(new Iso8583Error(ErrorCode.INVALID_SPEC, 'bad').message).toBe('INVALID_SPEC: bad');
  });

  it('keeps an existing location when re-located and fills a missing one', () => {
    const inner = new Iso8583Error(ErrorCode.INVALID_CHARACTER, 'x', { offset: 7 });
    const located = inner.locate('41', 3);
    expect(located.field).toBe('41');
    expect(located.offset).toBe(7);
    expect(located.code).toBe('INVALID_CHARACTER');
  });

  it('is recognised by a brand rather than by class identity', () => {
    const e = new Iso8583Error(ErrorCode.TRUNCATED, 'x');
    expect(isIso8583Error(e)).toBe(true);
    // A structurally different copy (as another bundle would create) carries the same registered symbol.
    const foreign = Object.defineProperty(new Error('x'), Symbol.for('iso8583-codec.Iso8583Error'), { value: true });
    expect(isIso8583Error(foreign)).toBe(true);
    expect(isIso8583Error(new Error('x'))).toBe(false);
    expect(isIso8583Error(null)).toBe(false);
    expect(isIso8583Error('TRUNCATED')).toBe(false);
    expect(isIso8583Error({ code: 'TRUNCATED' })).toBe(false);
  });

  it('tells without throwing for a proxy whose traps throw, a revoked proxy and a brand a proxy cannot back', () => {
    const throwing = (): never => {
      throw new Error('hostile 4111111111111111');
    };
    const revocable = Proxy.revocable({}, {});
    revocable.revoke();
    for (const v of [new Proxy({}, { get: throwing, getOwnPropertyDescriptor: throwing, has: throwing }), revocable.proxy]) {
      expect(isIso8583Error(v)).toBe(false);
    }
    // A proxy may report a brand only as configurable (its target has none), and a real brand never is.
    const liar = new Proxy({}, { getOwnPropertyDescriptor: () => ({ value: true, configurable: true }) });
    expect(isIso8583Error(liar)).toBe(false);
    expect(isIso8583Error(new Proxy(new Iso8583Error(ErrorCode.TRUNCATED, 'x'), {}))).toBe(true);
  });

  it('has a unique string for every code', () => {
    const values = Object.values(ErrorCode);
    expect(new Set(values).size).toBe(values.length);
    for (const [k, v] of Object.entries(ErrorCode)) expect(k).toBe(v);
  });
});
