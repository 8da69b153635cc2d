import { describe as group, expect, it } from 'vitest';
import { describe, isIso8583Error, type Message, type MessageSpec, messageFromJSON, messageToJSON, presets, structuredPreset, valueFromJSON, valueToJSON, withSubfields } from '../../src/index.js';

/**
 * describe, messageToJSON and messageFromJSON are guarded like the codec: whatever they are given, the only thing
 * that escapes is an Iso8583Error with a stable code, and its text never quotes a value.
 */
const PAN = '4111111111111111';
const flat = presets.iso87ascii;
const structured = structuredPreset(presets.iso87ascii, {
  de48: { type: 'tlv', tagLength: 2, lengthDigits: 2, encoding: 'ascii', tags: { '01': { kind: 'ans', length: 20, encoding: 'ascii' } } },
});

/** Runs `fn` and returns the Iso8583Error it throws; fails the test if it returns or throws anything else. */
function isoError(fn: () => unknown): { code: string; field: string | undefined; message: string; detail: string } {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  if (thrown === undefined) throw new Error('expected an Iso8583Error, but the call returned');
  if (!isIso8583Error(thrown)) throw new Error(`expected an Iso8583Error, got ${String(thrown)}`);
  expect(thrown.message).not.toContain(PAN);
  expect(thrown.message).not.toContain('411111');
  expect(String(thrown.field)).not.toContain('411111');
  return thrown;
}

const asMessage = (v: unknown) => v as Message;

/** The three functions under guard, each as a call on one value. */
const calls: Record<string, (m: unknown, spec?: MessageSpec) => unknown> = {
  describe: (m, spec = structured) => describe(asMessage(m), spec),
  messageToJSON: (m, spec = structured) => messageToJSON(asMessage(m), spec),
  messageFromJSON: (m, spec = structured) => messageFromJSON(m, spec),
};

function throwingGetter(name: string | number): Record<string | number, unknown> {
  return Object.defineProperty({}, name, {
    enumerable: true,
    get() {
      throw new TypeError(`card ${PAN} refused`);
    },
  });
}

group('describe, messageToJSON and messageFromJSON throw only Iso8583Error', () => {
  for (const [name, call] of Object.entries(calls)) {
    group(name, () => {
      it('refuses values that are not message objects with INVALID_MESSAGE', () => {
        for (const v of [undefined, null, 42, 'text', true, 10n, Symbol('s'), () => 1, [], new Uint8Array(4)]) {
          expect(isoError(() => call(v)).code, String(typeof v)).toMatch(/^INVALID_(MESSAGE|MTI)$/);
        }
      });

      it('refuses a missing or non-string MTI and missing, null or array fields', () => {
        expect(isoError(() => call({ fields: {} })).code).toBe('INVALID_MTI');
        expect(isoError(() => call({ mti: 100, fields: {} })).code).toBe('INVALID_MTI');
        expect(isoError(() => call({ mti: '0100' })).code).toBe('INVALID_MESSAGE');
        expect(isoError(() => call({ mti: '0100', fields: null })).code).toBe('INVALID_MESSAGE');
        expect(isoError(() => call({ mti: '0100', fields: [] })).code).toBe('INVALID_MESSAGE');
      });

      it('refuses keys that are not data element numbers without quoting them', () => {
        for (const key of ['abc', PAN, '02', '-1', '1e1', '999']) {
          const e = isoError(() => call({ mti: '0100', fields: { [key]: '1' } }));
          expect(e.code, key).toBe('INVALID_MESSAGE');
          expect(e.field, key).toBeUndefined();
        }
        const e = isoError(() => call({ mti: '0100', fields: { 1: '1' } }));
        expect([e.code, e.field]).toEqual(['UNKNOWN_FIELD', '1']);
      });

      it('replaces the exception of a throwing getter, without its text', () => {
        const e = isoError(() => call({ mti: '0100', fields: throwingGetter(2) }));
        expect(e.code).toBe('INVALID_MESSAGE');
        expect(isoError(() => call(Object.defineProperty({ fields: {} }, 'mti', { enumerable: true, get: () => { throw new Error(PAN); } }))).code).toBe('INVALID_MESSAGE');
      });

      it('replaces the exception of proxy traps and revoked proxies', () => {
        const trap = (): never => {
          throw new Error(`trap ${PAN}`);
        };
        const hostileFields = new Proxy({}, { ownKeys: trap, get: trap, getOwnPropertyDescriptor: trap });
        expect(isoError(() => call({ mti: '0100', fields: hostileFields })).code).toBe('INVALID_MESSAGE');
        const { proxy, revoke } = Proxy.revocable({ mti: '0100', fields: {} }, {});
        revoke();
        expect(isoError(() => call(proxy)).code).toBe('INVALID_MESSAGE');
        expect(isoError(() => call(new Proxy({ mti: '0100', fields: {} }, { get: trap }))).code).toBe('INVALID_MESSAGE');
      });

      it('refuses a header the spec does not define', () => {
        expect(isoError(() => call({ mti: '0100', header: 'ISO', fields: {} }, flat)).code).toBe('INVALID_MESSAGE');
      });

      it('refuses a value of the wrong JavaScript type for its field with INVALID_VALUE_TYPE and the field', () => {
        for (const [field, value] of [
          [2, null],
          [2, 4111111111111111],
          [2, { pan: PAN }],
          [3, ['000000']],
        ] as const) {
          const e = isoError(() => call({ mti: '0100', fields: { [field]: value } }));
          expect([e.code, e.field], String(value)).toEqual(['INVALID_VALUE_TYPE', String(field)]);
        }
      });

      it('refuses structures where the layout expects something else', () => {
        const cases: [number, unknown, string][] = [
          [35, `${PAN}=2812101`, 'INVALID_VALUE_TYPE'],
          [35, { pan: 4111111111111111, expiry: '2812', serviceCode: '101', discretionary: '' }, 'INVALID_VALUE_TYPE'],
          [55, { tag: '9F02' }, 'INVALID_VALUE_TYPE'],
          [55, [null], 'INVALID_VALUE_TYPE'],
          [55, [{ tag: PAN, value: '00' }], 'INVALID_TLV'],
          [55, [{ tag: 'ZZ', value: '00' }], 'INVALID_TLV'],
          [55, [{ tag: '9F02', value: [] }], 'INVALID_VALUE_TYPE'],
          [55, [{ tag: '70', value: '00' }], 'INVALID_VALUE_TYPE'],
          [48, [{ tag: { toString: () => PAN }, value: 'x' }], 'INVALID_VALUE_TYPE'],
          [48, [{ tag: 'XY', value: { toString: () => PAN } }], 'INVALID_VALUE_TYPE'],
          [127, ['a'], 'INVALID_VALUE_TYPE'],
          [127, { [PAN]: 'a' }, 'INVALID_MESSAGE'],
          [127, { 65: 'a' }, 'UNKNOWN_FIELD'],
        ];
        for (const [field, value, code] of cases) {
          expect(isoError(() => call({ mti: '0100', fields: { [field]: value } })).code, `${field} ${String(JSON.stringify(value))}`).toBe(code);
        }
      });

      it('refuses cyclic BER-TLV structures instead of recursing', () => {
        const cyclic: { tag: string; value: unknown }[] = [];
        cyclic.push({ tag: '70', value: cyclic });
        expect(isoError(() => call({ mti: '0100', fields: { 55: cyclic } })).code).toBe('INVALID_TLV');
      });

      it('refuses an invalid spec with INVALID_SPEC', () => {
        expect(isoError(() => call({ mti: '0100', fields: {} }, null as unknown as MessageSpec)).code).toBe('INVALID_SPEC');
        expect(isoError(() => call({ mti: '0100', fields: {} }, { name: 'x' } as unknown as MessageSpec)).code).toBe('INVALID_SPEC');
      });
    });
  }
});

group('byte values of exotic kinds', () => {
  const withBytes = (v: unknown) => ({ mti: '0100', fields: { 52: v } });

  it('refuses typed arrays that are not Uint8Array, array buffers, data views and proxies of a Uint8Array', () => {
    for (const v of [new Uint8ClampedArray(8), new Int8Array(8), new Float64Array(1), new ArrayBuffer(8), new DataView(new ArrayBuffer(8)), new Proxy(new Uint8Array(8), {}), [1, 2, 3, 4, 5, 6, 7, 8]]) {
      for (const call of [calls.describe!, calls.messageToJSON!]) {
        expect(isoError(() => call(withBytes(v), flat)).code, Object.prototype.toString.call(v)).toBe('INVALID_VALUE_TYPE');
      }
    }
  });

  it('reads a Uint8Array subclass by its real contents, whatever its length property claims', () => {
    class Liar extends Uint8Array {
      override get length(): number {
        return 1e9;
      }
    }
    const liar = new Liar([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(messageToJSON(asMessage(withBytes(liar)), flat).fields[52]).toBe('0102030405060708');
    expect(describe(asMessage(withBytes(liar)), flat)).toMatch(/^52\s.*\[hidden, 8 bytes\]$/m);
  });

  it('reads a Uint8Array whose buffer was transferred away as empty', () => {
    const bytes = new Uint8Array(8);
    structuredClone(bytes.buffer, { transfer: [bytes.buffer] });
    expect(messageToJSON(asMessage(withBytes(bytes)), flat).fields[52]).toBe('');
  });
});

group('option objects', () => {
  const message: Message = { mti: '0100', fields: { 2: PAN } };

  it('describe refuses options that are not an object, unknown options and bad values with INVALID_OPTION naming them', () => {
    for (const options of [null, 'unmask', 1, []]) {
      expect(isoError(() => describe(message, flat, options as never)).detail).toMatch(/^describe: options must be an object/);
    }
    const typo = isoError(() => describe(message, flat, { unmsk: true } as never));
    expect(typo.code).toBe('INVALID_OPTION');
    expect(typo.detail).toContain('"unmsk"');
    expect(isoError(() => describe(message, flat, { unmask: 'yes' } as never)).detail).toContain('option unmask must be a boolean');
    expect(isoError(() => describe(message, flat, { binLength: 7 } as never)).detail).toContain('option binLength must be 6 or 8');
    expect(isoError(() => describe(message, flat, { binLength: '8' } as never)).code).toBe('INVALID_OPTION');
  });

  it('describe does not quote an unknown option whose name is not a plain word', () => {
    const e = isoError(() => describe(message, flat, { [PAN]: true } as never));
    expect(e.code).toBe('INVALID_OPTION');
  });

  it('describe takes options set to undefined as not given', () => {
    expect(describe(message, flat, { unmask: undefined, binLength: undefined })).toContain('411111******1111');
  });
});

group('describe of values that are not in the shape of the spec, with withSubfields', () => {
  it('checks nested positional subfields too', () => {
    const spec = withSubfields(flat, {
      48: { type: 'positional', fields: { 1: { kind: 'ans', length: 4, encoding: 'ascii' }, 2: { kind: 'ans', length: 6, encoding: 'ascii' } } },
    });
    const e = isoError(() => describe(asMessage({ mti: '0100', fields: { 48: { 1: 'ACME', 2: new Uint8Array(2) } } }), spec));
    expect([e.code, e.field]).toEqual(['INVALID_VALUE_TYPE', '48.2']);
  });
});

group('valueToJSON and valueFromJSON', () => {
  it('throw only Iso8583Error for values of the wrong shape, bad field specs and a bad field name', () => {
    expect(isoError(() => valueToJSON(null as never, flat.fields[2])).code).toBe('INVALID_VALUE_TYPE');
    expect(isoError(() => valueToJSON(throwingGetter('pan') as never, structured.fields[35])).code).toBe('INVALID_MESSAGE');
    expect(isoError(() => valueToJSON('1', { kind: 'q' } as never)).code).toBe('INVALID_SPEC');
    expect(isoError(() => valueFromJSON([{ tag: PAN, value: '00' }], structured.fields[55]!, '55')).code).toBe('INVALID_TLV');
    expect(isoError(() => valueFromJSON('1', flat.fields[2]!, 2 as never)).code).toBe('INVALID_OPTION');
  });
});
