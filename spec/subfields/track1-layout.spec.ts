import { describe as group, expect, it } from 'vitest';
import {
  createCodec,
  describe,
  fieldPaths,
  messageFromJSON,
  messageToJSON,
  messageToMaskedJSON,
  presets,
  toHex,
  type Track1,
  validateSpec,
  withSubfields,
} from '../../src/index.js';
import { catchIso } from '../message/errors-helper.js';

const track: Track1 = { formatCode: 'B', pan: '4111111111111111', name: 'DOE/JANE', expiry: '2812', serviceCode: '201', discretionary: '0000000' };
const TEXT = 'B4111111111111111^DOE/JANE^28122010000000';
const spec = withSubfields(presets.iso87ascii, { 45: { type: 'track1' } });
const codec = createCodec(spec);
/** An ASCII frame (MTI 0100, primary bitmap) holding DE45 as `text`: the track data starts at byte 14. */
const asciiFrame = (text: string): Uint8Array => createCodec(presets.iso87ascii).encode({ mti: '0100', fields: { 45: text } });
const DATA = 14;

group('Track 1 as a layout (DE45)', () => {
  it('splits format B text into its parts and writes the same bytes back', () => {
    const bytes = asciiFrame(TEXT);
    const decoded = codec.decode(bytes);
    expect(decoded.fields[45]).toEqual(track);
    expect(toHex(codec.encode(decoded))).toBe(toHex(bytes));
  });

  it('reads and writes EBCDIC Track 1 (^ is 0xB0 in code page 037)', () => {
    const ebcdic = createCodec(withSubfields(presets.iso87ebcdic, { 45: { type: 'track1' } }));
    const out = ebcdic.encode({ mti: '0100', fields: { 45: { ...track, discretionary: '' } } });
    expect(toHex(out.subarray(14, 14 + 18))).toBe('C2F4F1F1F1F1F1F1F1F1F1F1F1F1F1F1F1B0');
    expect(ebcdic.decode(out).fields[45]).toEqual({ ...track, discretionary: '' });
  });

  it.each([
    ['a format code other than B', 'A4111111111111111^DOE/JANE^2812201', 0],
    ['a PAN with a letter', 'B41111X1111111111^DOE/JANE^2812201', 1],
    ['a name of one character', 'B4111111111111111^D^2812201', 18],
    ['a short expiry', 'B4111111111111111^DOE/JANE^28', 27],
    ['a % in the discretionary data', 'B4111111111111111^DOE/JANE^2812201%', 34],
  ])('refuses on decode %s with INVALID_TRACK at that character', (_what, text, at) => {
    const e = catchIso(() => codec.decode(asciiFrame(text)));
    expect([e.code, e.field, e.offset]).toEqual(['INVALID_TRACK', '45', DATA + at]);
    expect(e.message).not.toContain('411111');
  });

  it('refuses on encode parts that do not make format B, at the field', () => {
    for (const bad of [{ ...track, name: 'X' }, { ...track, discretionary: '^' }, { ...track, pan: '' }]) {
      const e = catchIso(() => codec.encode({ mti: '0100', fields: { 45: bad } }));
      expect([e.code, e.field, e.offset]).toEqual(['INVALID_TRACK', '45', 12]);
    }
    const wrongType = catchIso(() => codec.encode({ mti: '0100', fields: { 45: 'B41^X^2812201' as never } }));
    expect([wrongType.code, wrongType.field, wrongType.offset]).toEqual(['INVALID_VALUE_TYPE', '45', 12]);
  });

  it('round-trips through the JSON form', () => {
    const m = { mti: '0100', fields: { 45: track } };
    const json = messageToJSON(m, spec);
    expect(json.fields['45']).toEqual(track);
    expect(messageFromJSON(json, spec)).toEqual(m);
    const e = catchIso(() => messageFromJSON({ mti: '0100', fields: { 45: { ...track, formatCode: 'A' } } }, spec));
    expect([e.code, e.field]).toEqual(['INVALID_VALUE_TYPE', '45']);
  });

  it('reaches each part by path', () => {
    const paths = fieldPaths(spec);
    const m = codec.decode(asciiFrame(TEXT));
    expect(paths.get(m, '45.name')).toBe('DOE/JANE');
    expect(paths.set(m, '45.serviceCode', '101').fields[45]?.serviceCode).toBe('101');
    // A Track 1 part is required: the types refuse to remove one, and so does the run time.
    // @ts-expect-error 45.name is a required part
    expect(catchIso(() => paths.remove(m, '45.name')).code).toBe('INVALID_MESSAGE');
  });
});

group('Track 1 in describe and masked JSON', () => {
  const m = { mti: '0100', fields: { 45: track } };

  it('masks the PAN by the display rule and hides name, expiry, service code and discretionary data', () => {
    const text = describe(m, spec);
    expect(text).toMatch(/^  45\.formatCode\s.*B$/m);
    expect(text).toMatch(/^  45\.pan\s.*411111\*{6}1111$/m);
    for (const [part, size] of [['name', '8 chars'], ['expiry', '4 chars'], ['serviceCode', '3 chars'], ['discretionary', '7 chars']]) {
      expect(text).toMatch(new RegExp(`^  45\\.${part}\\s.*\\[hidden, ${size}\\]$`, 'm'));
    }
    expect(text).not.toContain('DOE');
    expect(text).not.toContain('4111111111111111');
  });

  it('masks even when the spec says the field is not sensitive', () => {
    const open = withSubfields({ ...presets.iso87ascii, fields: { ...presets.iso87ascii.fields, 45: { ...presets.iso87ascii.fields[45], sensitive: false } } }, { 45: { type: 'track1' } });
    expect(describe(m, open)).not.toContain('DOE');
    expect(JSON.stringify(messageToMaskedJSON(m, open))).not.toContain('DOE');
    expect(JSON.stringify(messageToMaskedJSON(m, open, { binLength: 8 }))).toContain('41111111****1111');
  });

  it('shows everything with unmask', () => {
    expect(describe(m, spec, { unmask: true })).toContain('DOE/JANE');
  });
});

group('the track1 layout in a spec', () => {
  const withTrack = (field: object): unknown => ({ name: 't', mti: { encoding: 'ascii' }, bitmap: { format: 'binary' }, fields: { 45: { ...field, subfields: { type: 'track1' } } } });

  it.each([
    ['on a z field', { kind: 'z', length: 76, prefix: 'LL/ascii', encoding: 'ascii' }, 'track1 subfields need kind ans'],
    ['on a padded fixed field', { kind: 'ans', length: 40, encoding: 'ascii', pad: { side: 'right', char: ' ' } }, 'a field with subfields is never padded'],
    ['with a key the layout does not have', { kind: 'ans', length: 76, prefix: 'LL/ascii', encoding: 'ascii', subfields: { type: 'track1', separator: '^' } }, 'separator'],
  ])('refuses it %s with INVALID_SPEC at the field', (_what, field, detail) => {
    const doc = withTrack(field) as { fields: { 45: { subfields: unknown } } };
    if ('subfields' in field) doc.fields[45].subfields = field.subfields;
    const e = catchIso(() => validateSpec(doc));
    expect(e.code).toBe('INVALID_SPEC');
    expect(e.field?.startsWith('45')).toBe(true);
    expect(e.message).toContain(detail);
  });
});
