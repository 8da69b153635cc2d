import { describe as group, expect, it } from 'vitest';
import {
  describe,
  Iso8583Error,
  type Message,
  type MessageSpec,
  messageFromJSON,
  messageToJSON,
  messageToMaskedJSON,
  valueToJSON,
} from '../../src/index.js';
import { catchIso } from './errors-helper.js';

/**
 * The checks and copies a message nobody vouches for goes through before messageToJSON, describe and
 * messageToMaskedJSON look at it (src/message/read-message.ts): the message object, its MTI, header and field keys,
 * scalar values (strings and genuine Uint8Arrays), the guard around it all and the once-per-object spec check.
 * Layouts (tracks, TLV, BER-TLV, datasets, subfields) are in read-message-layouts.spec.ts.
 */

const FIELDS = {
  2: { kind: 'n', length: 19, prefix: 'LL/ascii', encoding: 'ascii' },
  3: { kind: 'n', length: 6, encoding: 'ascii' },
  52: { kind: 'b', length: 8, encoding: 'binary' },
} as const;
const SPEC: MessageSpec = { name: 'read-message', mti: { encoding: 'ascii' }, bitmap: { format: 'binary' }, fields: FIELDS };
const BYTES_HEADER: MessageSpec = { ...SPEC, name: 'bytes-header', header: { length: 2, encoding: 'binary' } };
const TEXT_HEADER: MessageSpec = { ...SPEC, name: 'text-header', header: { length: 4, encoding: 'ascii' } };
const TERTIARY: MessageSpec = {
  name: 'tertiary',
  mti: { encoding: 'ascii' },
  bitmap: { format: 'binary', tertiary: true },
  fields: { 2: FIELDS[2], 192: { kind: 'b', length: 8, encoding: 'binary' } },
};

const loose = (m: unknown): Message => m as Message;
/** The JSON messageToJSON gives for a message of MTI 0100 with these fields. */
const toJSON = (fields: unknown, spec: MessageSpec = SPEC): unknown => messageToJSON(loose({ mti: '0100', fields }), spec);
/** The code, field and offset of the error `fn` throws: what only the check that raised it produces. */
const where = (fn: () => unknown): [string, string | undefined, number | undefined] => {
  const e = catchIso(fn);
  return [e.code, e.field, e.offset];
};
const refusal = (fields: unknown, spec: MessageSpec = SPEC): [string, string | undefined, number | undefined] => where(() => toJSON(fields, spec));

group('the message object', () => {
  it('refuses a message that is not an object (a string, null, an array) as INVALID_MESSAGE without a field', () => {
    for (const m of ['0100', null, [], 7]) expect(where(() => messageToJSON(loose(m), SPEC))).toEqual(['INVALID_MESSAGE', undefined, undefined]);
  });

  it('refuses an MTI that is not a string as INVALID_MTI on mti', () => {
    expect(where(() => messageToJSON(loose({ mti: 100, fields: {} }), SPEC))).toEqual(['INVALID_MTI', 'mti', undefined]);
    expect(where(() => messageToJSON(loose({ fields: {} }), SPEC))).toEqual(['INVALID_MTI', 'mti', undefined]);
  });

  it('refuses fields that are not a record (empty string, number, array, empty Uint8Array, null) as INVALID_MESSAGE', () => {
    for (const fields of ['', 5, [], new Uint8Array(0), null, undefined]) expect(refusal(fields)).toEqual(['INVALID_MESSAGE', undefined, undefined]);
  });

  it('gives the MTI and fields, copied, and no header key when there is no header', () => {
    const out = messageToJSON({ mti: '0200', fields: { 2: '4111111111111111', 3: '000000' } }, SPEC);
    expect(out).toStrictEqual({ mti: '0200', fields: { 2: '4111111111111111', 3: '000000' } });
  });

  it('reads only own enumerable fields: an inherited field is not part of the message', () => {
    const fields = Object.assign(Object.create({ 3: '999999' }) as object, { 2: '41' });
    expect(toJSON(fields)).toStrictEqual({ mti: '0100', fields: { 2: '41' } });
  });

  it('leaves out a field set to undefined', () => {
    expect(toJSON({ 2: undefined, 3: '000000' })).toStrictEqual({ mti: '0100', fields: { 3: '000000' } });
  });
});

group('field keys', () => {
  it('refuses keys that are not spelled as data element numbers (01, 2.0, 0, +2, 2a, 1e2) as INVALID_MESSAGE without a field', () => {
    for (const key of ['01', '002', '2.0', '0', '+2', '2a', '1e2', ' 2', 'x']) {
      expect(refusal({ [key]: '1' }), key).toEqual(['INVALID_MESSAGE', undefined, undefined]);
    }
  });

  it('refuses 193 and higher as INVALID_MESSAGE, not as a field the spec lacks', () => {
    expect(refusal({ 193: '1' }, TERTIARY)).toEqual(['INVALID_MESSAGE', undefined, undefined]);
    expect(refusal({ 999: '1' }, TERTIARY)).toEqual(['INVALID_MESSAGE', undefined, undefined]);
  });

  it('accepts 192, the last field of a tertiary bitmap, and one-digit and three-digit keys', () => {
    expect(toJSON({ 2: '41', 192: Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8) }, TERTIARY)).toStrictEqual({
      mti: '0100',
      fields: { 2: '41', 192: '0102030405060708' },
    });
  });

  it('refuses a number key the spec does not define as UNKNOWN_FIELD on that key', () => {
    expect(refusal({ 7: '0101120000' })).toEqual(['UNKNOWN_FIELD', '7', undefined]);
    expect(refusal({ 130: '1' })).toEqual(['UNKNOWN_FIELD', '130', undefined]);
  });

  it('never looks a field up on Object.prototype: a spec inheriting a field spec does not define it', () => {
    const fields = Object.assign(Object.create({ 4: FIELDS[3] }) as object, FIELDS);
    const spec: MessageSpec = { ...SPEC, name: 'inherited-field', fields };
    expect(refusal({ 4: '000000' }, spec)).toEqual(['UNKNOWN_FIELD', '4', undefined]);
  });
});

group('the header', () => {
  it('gives a binary header as hex and a text header as the string', () => {
    expect(messageToJSON(loose({ mti: '0100', header: Uint8Array.of(0xab, 0x01), fields: {} }), BYTES_HEADER)).toStrictEqual({
      mti: '0100',
      header: 'AB01',
      fields: {},
    });
    expect(messageToJSON(loose({ mti: '0100', header: 'ISO0', fields: {} }), TEXT_HEADER)).toStrictEqual({ mti: '0100', header: 'ISO0', fields: {} });
  });

  it('refuses a header on a spec without one as INVALID_MESSAGE on header', () => {
    expect(where(() => messageToJSON(loose({ mti: '0100', header: 'ISO0', fields: {} }), SPEC))).toEqual(['INVALID_MESSAGE', 'header', undefined]);
  });

  it('refuses a string for a binary header and bytes for a text header as INVALID_VALUE_TYPE on header', () => {
    expect(where(() => messageToJSON(loose({ mti: '0100', header: 'AB01', fields: {} }), BYTES_HEADER))).toEqual(['INVALID_VALUE_TYPE', 'header', undefined]);
    expect(where(() => messageToJSON(loose({ mti: '0100', header: Uint8Array.of(1, 2, 3, 4), fields: {} }), TEXT_HEADER))).toEqual([
      'INVALID_VALUE_TYPE',
      'header',
      undefined,
    ]);
  });

  it('refuses a header of neither type (a number, null, an array of numbers) as INVALID_VALUE_TYPE on header', () => {
    for (const header of [1234, null, [0xab, 0x01]]) {
      expect(where(() => messageToJSON(loose({ mti: '0100', header, fields: {} }), TEXT_HEADER))).toEqual(['INVALID_VALUE_TYPE', 'header', undefined]);
      expect(where(() => messageToJSON(loose({ mti: '0100', header, fields: {} }), BYTES_HEADER))).toEqual(['INVALID_VALUE_TYPE', 'header', undefined]);
    }
  });

  it('treats a header set to undefined as no header, even on a spec without one', () => {
    expect(messageToJSON(loose({ mti: '0100', header: undefined, fields: {} }), SPEC)).toStrictEqual({ mti: '0100', fields: {} });
  });
});

group('scalar values', () => {
  it('refuses a string in a binary field as INVALID_VALUE_TYPE on the field', () => {
    expect(refusal({ 52: '0102030405060708' })).toEqual(['INVALID_VALUE_TYPE', '52', undefined]);
  });

  it('refuses a Uint8Array in a text field as INVALID_VALUE_TYPE on the field', () => {
    expect(refusal({ 3: Uint8Array.of(0x30, 0x30) })).toEqual(['INVALID_VALUE_TYPE', '3', undefined]);
  });

  it('refuses a value of neither type (number, null, object, array of bytes) as INVALID_VALUE_TYPE on the field, for text and binary fields', () => {
    for (const value of [7, null, {}, [1, 2], true]) {
      expect(refusal({ 3: value })).toEqual(['INVALID_VALUE_TYPE', '3', undefined]);
      expect(refusal({ 52: value })).toEqual(['INVALID_VALUE_TYPE', '52', undefined]);
    }
  });

  it('refuses other typed arrays and a DataView in a binary field: only a genuine Uint8Array is bytes', () => {
    const buffer = new ArrayBuffer(8);
    for (const value of [new Int8Array(buffer), new Uint8ClampedArray(buffer), new Uint16Array(buffer), new DataView(buffer)]) {
      expect(refusal({ 52: value })).toEqual(['INVALID_VALUE_TYPE', '52', undefined]);
    }
  });

  it('accepts a Buffer and a Uint8Array subclass, reading their bytes through the typed-array internals', () => {
    class Liar extends Uint8Array {
      override get length(): number {
        return 1;
      }
    }
    const liar = new Liar([1, 2, 3, 4, 5, 6, 7, 0xff]);
    expect(toJSON({ 52: liar })).toStrictEqual({ mti: '0100', fields: { 52: '01020304050607FF' } });
    expect(toJSON({ 52: Buffer.from('0a0b0c0d0e0f1011', 'hex') })).toStrictEqual({ mti: '0100', fields: { 52: '0A0B0C0D0E0F1011' } });
  });

  it('gives a value without a field spec as the string, or bytes as hex (valueToJSON with no spec)', () => {
    expect(valueToJSON('abc', undefined)).toBe('abc');
    expect(valueToJSON(Uint8Array.of(0xde, 0xad), undefined)).toBe('DEAD');
  });

  it('refuses a value of neither type without a field spec as INVALID_VALUE_TYPE without a field', () => {
    expect(where(() => valueToJSON(5 as unknown as string, undefined))).toEqual(['INVALID_VALUE_TYPE', undefined, undefined]);
  });
});

group('the guard around reading', () => {
  const PAN = '4111111111111111';
  const throwing = (thrown: unknown, key = '2'): object =>
    Object.defineProperty({}, key, {
      enumerable: true,
      get() {
        throw thrown;
      },
    });

  it('turns an error a getter throws into INVALID_MESSAGE without its text', () => {
    const e = catchIso(() => toJSON(throwing(new Error(`bad ${PAN}`))));
    expect([e.code, e.field]).toEqual(['INVALID_MESSAGE', undefined]);
    expect(e.message).not.toContain(PAN);
  });

  it('turns a thrown non-error and a revoked proxy into INVALID_MESSAGE', () => {
    expect(where(() => toJSON(throwing(PAN)))).toEqual(['INVALID_MESSAGE', undefined, undefined]);
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    expect(where(() => toJSON(proxy))).toEqual(['INVALID_MESSAGE', undefined, undefined]);
    const track2 = { kind: 'z', length: 37, prefix: 'LL/ascii', encoding: 'ascii', subfields: { type: 'track2' } } as const;
    expect(where(() => valueToJSON(throwing(new TypeError('x'), 'pan') as never, track2))).toEqual(['INVALID_MESSAGE', undefined, undefined]);
  });

  it('lets an Iso8583Error a getter throws through as it is', () => {
    const own = new Iso8583Error('INVALID_LENGTH', 'from the getter', { field: '9', offset: 3 });
    expect(catchIso(() => toJSON(throwing(own)))).toBe(own);
  });
});

group('the spec check', () => {
  it('refuses a spec that is not a valid spec as INVALID_SPEC', () => {
    for (const spec of [{ name: 'no-mti', fields: {} }, null, 'iso87ascii', { ...SPEC, fields: { 1: FIELDS[52] } }]) {
      expect(catchIso(() => messageToJSON({ mti: '0100', fields: {} }, spec as MessageSpec)).code).toBe('INVALID_SPEC');
    }
  });

  it('checks a spec object once: the second call does not read the spec again', () => {
    let reads = 0;
    const spec = {
      get name(): string {
        reads += 1;
        return 'counted';
      },
      mti: { encoding: 'ascii' },
      bitmap: { format: 'binary' },
      fields: FIELDS,
    } as MessageSpec;
    expect(messageToJSON({ mti: '0100', fields: { 2: '41' } }, spec)).toStrictEqual({ mti: '0100', fields: { 2: '41' } });
    const first = reads;
    expect(first).toBeGreaterThan(0);
    expect(describe({ mti: '0100', fields: { 2: '41' } }, spec, { unmask: true })).toContain('41');
    messageToMaskedJSON({ mti: '0100', fields: {} }, spec);
    expect(reads).toBe(first);
  });
});

group('the same checks for every reader', () => {
  const readers: Record<string, (m: unknown, spec: MessageSpec) => unknown> = {
    messageToJSON: (m, spec) => messageToJSON(loose(m), spec),
    describe: (m, spec) => describe(loose(m), spec),
    messageToMaskedJSON: (m, spec) => messageToMaskedJSON(loose(m), spec),
  };

  it.each(Object.keys(readers))('%s refuses what messageToJSON refuses, with the same code and field', (name) => {
    const read = readers[name]!;
    expect(where(() => read({ mti: '0100', fields: { '01': '1' } }, SPEC))).toEqual(['INVALID_MESSAGE', undefined, undefined]);
    expect(where(() => read({ mti: '0100', fields: { 7: '1' } }, SPEC))).toEqual(['UNKNOWN_FIELD', '7', undefined]);
    expect(where(() => read({ mti: 1, fields: {} }, SPEC))).toEqual(['INVALID_MTI', 'mti', undefined]);
    expect(where(() => read({ mti: '0100', header: 'ISO0', fields: {} }, SPEC))).toEqual(['INVALID_MESSAGE', 'header', undefined]);
    expect(where(() => read({ mti: '0100', fields: { 52: 'AB' } }, SPEC))).toEqual(['INVALID_VALUE_TYPE', '52', undefined]);
  });

  it('messageFromJSON refuses the same misspelt keys and out-of-range numbers', () => {
    for (const key of ['01', '2.0', '0', '193']) {
      expect(where(() => messageFromJSON({ mti: '0100', fields: { [key]: '1' } }, SPEC)), key).toEqual(['INVALID_MESSAGE', undefined, undefined]);
    }
  });
});
