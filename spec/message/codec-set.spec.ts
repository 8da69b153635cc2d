import { describe, expect, it } from 'vitest';
import { createCodec, createCodecSet, ErrorCode, type MessageSpec, presets, withSubfields } from '../../src/index.js';
import { catchIso } from './errors-helper.js';

/** DE48 of authorizations: TLV with two-character tags and two-digit lengths. */
const auth = withSubfields(presets.iso87ascii, { 48: { type: 'tlv', tagLength: 2, lengthDigits: 2, encoding: 'ascii' } });
/** DE48 of network management: a three-digit code, then a variable text. */
const admin = withSubfields(presets.iso87ascii, {
  48: {
    type: 'positional',
    fields: { 1: { kind: 'n', length: 3, encoding: 'ascii' }, 2: { kind: 'ans', length: 20, prefix: 'LL/ascii', encoding: 'ascii' } },
  },
});
const link = createCodecSet({ byMti: { '0100': auth, '0110': auth, '08xx': admin } });

const authorization = { mti: '0100' as const, fields: { 4: '000000001000', 11: '000001', 48: [{ tag: 'A1', value: 'XY' }] } };
const echo = { mti: '0800' as const, fields: { 11: '000002', 48: { 1: '301', 2: 'ECHO' }, 70: '301' } };

/** The iso87ascii fields with a 5-character header: the MTI sits at offset 5. */
const headed = (name: string, fields: MessageSpec['fields']): MessageSpec => ({ ...presets.iso87ascii, name, header: { length: 5, encoding: 'ascii' }, fields });
const te = new TextEncoder();

describe('a codec set', () => {
  it('decodes each frame with the spec its MTI selects, so one DE48 is TLV and another positional', () => {
    const authFrame = createCodec(auth).encode(authorization);
    const echoFrame = createCodec(admin).encode(echo);
    expect(link.decode(authFrame)).toEqual(authorization);
    expect(link.decode(echoFrame)).toEqual(echo);
    // The same DE48 bytes read by the other spec are not the echo's: the choice is the MTI's.
    expect(() => createCodec(auth).decode(echoFrame)).toThrow();
  });

  it('encodes each message with the spec its MTI selects, to the bytes of that spec’s codec', () => {
    expect(link.encode(authorization)).toEqual(createCodec(auth).encode(authorization));
    expect(link.encode(echo)).toEqual(createCodec(admin).encode(echo));
    expect(link.decode(link.encode({ mti: '0110', fields: { 11: '000001', 39: '00', 48: [] } }))).toEqual({ mti: '0110', fields: { 11: '000001', 39: '00', 48: [] } });
  });

  it('selects by the whole MTI first, then by the longest pattern, then the default', () => {
    const flat = presets.iso87ascii;
    const network = withSubfields(presets.iso87ascii, { 48: { type: 'tlv', tagLength: 3, lengthDigits: 3, encoding: 'ascii' } });
    const set = createCodecSet({ byMti: { '0xxx': flat, '08xx': admin, '0800': network, '081x': auth }, default: auth });
    expect(set.specFor('0800')).toBe(network);
    expect(set.specFor('0810')).toBe(auth);
    expect(set.specFor('0820')).toBe(admin);
    expect(set.specFor('0200')).toBe(flat);
    expect(set.specFor('1100')).toBe(auth);
    expect(set.default).toBe(auth);
    expect(link.specFor('1100')).toBeUndefined();
    const versions = createCodecSet({ byMti: { '0xxx': flat, '1xxx': network } });
    expect([versions.specFor('0999'), versions.specFor('1804'), versions.specFor('2100')]).toEqual([flat, network, undefined]);
    for (const notAnMti of ['08', '08xx', '0800 ', 800, undefined]) expect(set.specFor(notAnMti as string)).toBeUndefined();
  });

  it('keeps the given table frozen, each key with the spec given for it', () => {
    expect(Object.isFrozen(link.byMti)).toBe(true);
    expect(link.byMti).toEqual({ '0100': auth, '0110': auth, '08xx': admin });
    expect(link.byMti['08xx']).toBe(admin);
    expect(link.default).toBeUndefined();
  });

  it('refuses to decode a frame whose MTI no spec is for: UNKNOWN_MTI at the MTI', () => {
    const a = headed('a', { 11: presets.iso87ascii.fields[11] });
    const set = createCodecSet({ byMti: { '0100': a } });
    const frame = createCodec(a).encode({ mti: '0200', header: 'HEAD1', fields: { 11: '000001' } });
    const e = catchIso(() => set.decode(frame));
    expect({ code: e.code, field: e.field, offset: e.offset }).toEqual({ code: ErrorCode.UNKNOWN_MTI, field: 'mti', offset: 5 });
    expect(e.message).not.toContain('0200');
  });

  it('refuses to encode a message whose MTI no spec is for: UNKNOWN_MTI where the MTI would go', () => {
    const a = headed('a', { 11: presets.iso87ascii.fields[11] });
    const set = createCodecSet({ byMti: { '01xx': a } });
    // @ts-expect-error no key admits 0200: a type error too
    const e = catchIso(() => set.encode({ mti: '0200', header: 'HEAD1', fields: { 11: '000001' } }));
    expect({ code: e.code, field: e.field, offset: e.offset }).toEqual({ code: ErrorCode.UNKNOWN_MTI, field: 'mti', offset: 5 });
    expect(set.encode({ mti: '0110', header: 'HEAD1', fields: { 11: '000001' } })).toEqual(te.encode('HEAD10110\x00\x20\x00\x00\x00\x00\x00\x00000001'));
  });

  it('reports what a single codec reports before the choice: the header, a cut or non-digit MTI, not a frame', () => {
    const set = createCodecSet({ byMti: { '0100': headed('a', { 11: presets.iso87ascii.fields[11] }) } });
    const at = (run: () => unknown) => {
      const e = catchIso(run);
      return { code: e.code, field: e.field, offset: e.offset };
    };
    expect(at(() => set.decode(te.encode('HEAD10A00')))).toEqual({ code: ErrorCode.INVALID_MTI, field: 'mti', offset: 6 });
    expect(at(() => set.decode(te.encode('HEAD101')))).toEqual({ code: ErrorCode.TRUNCATED, field: 'mti', offset: 5 });
    expect(at(() => set.decode(Uint8Array.of(0x48, 0x45, 0xff, 0x44, 0x31, 0x30, 0x32, 0x30, 0x30)))).toMatchObject({ field: 'header' });
    expect(at(() => set.decode('0100' as never))).toEqual({ code: ErrorCode.INVALID_INPUT, field: undefined, offset: undefined });
    expect(at(() => set.encode({ mti: '01A0' as '0100', header: 'HEAD1', fields: {} }))).toEqual({ code: ErrorCode.INVALID_MTI, field: 'mti', offset: 5 });
    expect(at(() => set.encode(null as never))).toEqual({ code: ErrorCode.INVALID_MESSAGE, field: undefined, offset: undefined });
  });

  it('encodes the MTI it chose by: a getter answering differently on a second read changes nothing', () => {
    let reads = 0;
    const shifty = {
      get mti() {
        return reads++ === 0 ? '0800' : '0100';
      },
      fields: { 11: '000002', 48: { 1: '301', 2: 'ECHO' } },
    };
    const frame = link.encode(shifty as never);
    expect(reads).toBe(1);
    expect(link.decode(frame)).toEqual({ mti: '0800', fields: shifty.fields });
  });

  it('peeks with the spec the MTI selects, and with none holds the MTI and no field', () => {
    const echoFrame = link.encode(echo);
    expect(link.peek(echoFrame, [11, 48])).toEqual({ mti: '0800', fields: { 11: '000002', 48: { 1: '301', 2: 'ECHO' } } });
    const unknown = createCodec(presets.iso87ascii).encode({ mti: '0200', fields: { 11: '000003' } });
    expect(link.peek(unknown, [11])).toEqual({ mti: '0200', fields: {} });
    const noDigits = Uint8Array.from(unknown);
    noDigits[0] = 0x41;
    expect(link.peek(noDigits, [11])).toEqual({ mti: undefined, fields: {} });
    const withDefault = createCodecSet({ byMti: { '08xx': admin }, default: presets.iso87ascii });
    expect(withDefault.peek(noDigits, [11])).toEqual({ mti: undefined, fields: { 11: '000003' } });
    expect(link.peek('0800' as never, [11])).toEqual({ mti: undefined, fields: {} });
  });
});

describe('building a codec set', () => {
  const refused = (run: () => unknown) => {
    const e = catchIso(run);
    return { code: e.code, field: e.field, offset: e.offset };
  };

  it('refuses specs that do not share the frame head, naming the part', () => {
    const a = presets.iso87ascii;
    const cases: [MessageSpec, string][] = [
      [{ ...a, name: 'h', header: { length: 4, encoding: 'ascii' } }, 'header'],
      [{ ...a, name: 'mti', mti: { encoding: 'bcd' } }, 'mti'],
      [{ ...a, name: 'hex', bitmap: { format: 'hex' } }, 'bitmap'],
      [{ ...a, name: 'tertiary', bitmap: { format: 'binary', tertiary: true }, fields: { 11: a.fields[11] } }, 'bitmap'],
    ];
    for (const [other, part] of cases) {
      expect(refused(() => createCodecSet({ byMti: { '0100': a, '0800': other } }))).toEqual({ code: ErrorCode.INVALID_SPEC, field: part, offset: undefined });
      expect(refused(() => createCodecSet({ byMti: { '0100': a }, default: other }))).toEqual({ code: ErrorCode.INVALID_SPEC, field: part, offset: undefined });
    }
    const h4 = { ...a, name: 'h4', header: { length: 4, encoding: 'ascii' } } as const;
    expect(refused(() => createCodecSet({ byMti: { '0100': h4, '0800': { ...h4, header: { length: 5, encoding: 'ascii' } } } }))).toMatchObject({ field: 'header' });
    expect(refused(() => createCodecSet({ byMti: { '0100': h4, '0800': { ...h4, header: { length: 4, encoding: 'ebcdic037' } } } }))).toMatchObject({ field: 'header' });
    const hexAscii = { ...a, name: 'hex-ascii', bitmap: { format: 'hex' } } as const;
    expect(refused(() => createCodecSet({ byMti: { '0100': hexAscii, '0800': { ...hexAscii, bitmap: { format: 'hex', encoding: 'ebcdic037' } } } }))).toMatchObject({ field: 'bitmap' });
    expect(catchIso(() => createCodecSet({ byMti: { '0100': a, '0800': { ...a, mti: { encoding: 'bcd' } } } })).detail).toContain('the spec of byMti "0800" has another MTI encoding than the spec of byMti "0100"');
  });

  it('accepts specs that differ in the forms their bitmaps may take (alwaysSecondary, lenient) and the ASCII default of a hex bitmap', () => {
    const a = presets.iso87ascii;
    const set = createCodecSet({ byMti: { '0100': a, '0800': { ...a, name: 'always', bitmap: { format: 'binary', alwaysSecondary: true, lenient: true } } } });
    expect(set.decode(set.encode({ mti: '0800', fields: { 11: '000001' } }))).toEqual({ mti: '0800', fields: { 11: '000001' } });
    const hex = { ...a, name: 'hex', bitmap: { format: 'hex' } } as const;
    expect(() => createCodecSet({ byMti: { '0100': hex, '0800': { ...hex, bitmap: { format: 'hex', encoding: 'ascii' } } } })).not.toThrow();
  });

  it('refuses keys that are not an MTI or a pattern of leading digits, without showing a long key', () => {
    for (const key of ['100', '01000', '08x0', 'x800', 'xxxx', 'X800', '08XX', 'abcd', '', '4111111111111111']) {
      const e = catchIso(() => createCodecSet({ byMti: { [key]: presets.iso87ascii } }));
      expect(e.code).toBe(ErrorCode.INVALID_OPTION);
      expect(e.message).not.toContain('4111');
    }
  });

  it('refuses options that are not a set: no byMti, no spec at all, an unknown option, a throwing getter', () => {
    const code = (run: () => unknown) => catchIso(run).code;
    expect(code(() => createCodecSet(undefined as never))).toBe(ErrorCode.INVALID_OPTION);
    expect(code(() => createCodecSet({} as never))).toBe(ErrorCode.INVALID_OPTION);
    expect(code(() => createCodecSet({ byMti: [] } as never))).toBe(ErrorCode.INVALID_OPTION);
    expect(code(() => createCodecSet({ byMti: {} }))).toBe(ErrorCode.INVALID_OPTION);
    expect(code(() => createCodecSet({ byMti: { '0100': presets.iso87ascii }, fallback: presets.iso87ascii } as never))).toBe(ErrorCode.INVALID_OPTION);
    const getter = {
      get byMti(): never {
        throw new Error('4111111111111111');
      },
    };
    const e = catchIso(() => createCodecSet(getter));
    expect(e.code).toBe(ErrorCode.INVALID_OPTION);
    expect(e.message).not.toContain('4111');
    // A default alone is a set of one spec.
    expect(createCodecSet({ byMti: {}, default: presets.iso87ascii }).specFor('0100')).toBe(presets.iso87ascii);
  });

  it('refuses a spec that does not validate, saying which key it is for', () => {
    const bad = { ...presets.iso87ascii, name: '' };
    const e = catchIso(() => createCodecSet({ byMti: { '0100': presets.iso87ascii, '0800': bad } }));
    expect(e.code).toBe(ErrorCode.INVALID_SPEC);
    expect(e.detail).toMatch(/^createCodecSet: byMti "0800": /);
    expect(catchIso(() => createCodecSet({ byMti: {}, default: bad })).detail).toMatch(/^createCodecSet: default: /);
  });
});
