import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  type Codec,
  type Converter,
  createCodec,
  createCodecSet,
  defineSpec,
  ErrorCode,
  fieldPaths,
  formatTrack1,
  getConverter,
  type Message,
  type MessageSpec,
  fromHex,
  parseHexText,
  parseTrack1,
  presets,
  registerConverter,
  responseMti,
  structuredPreset,
  toHex,
  validateSpec,
  withSubfields,
  ISO87_RULES,
  withRules,
} from '../../src/index.js';
import { arbitraryMessage } from '../../src/testing/index.js';
import { decryptPinBlock, encryptPinBlock, macCoverage, SecretKey, signMessage, softwareSecurityModule, verifyMessageMac } from '../../src/security/index.js';
import { catchIso } from '../message/errors-helper.js';

/**
 * docs/errors.md promises, row by row, which errors carry a `field` and an `offset`. This suite reads that table,
 * provokes every row (decode and encode side where both exist) and checks the presence of both exactly as stated.
 */
interface Row {
  readonly code: string;
  readonly by: string;
  readonly when: string;
  readonly field: boolean;
  readonly offset: boolean;
}

function documentedRows(): Row[] {
  const text = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
  const section = text.slice(text.indexOf('## What each error carries'), text.indexOf('## Transport codes'));
  const rows: Row[] = [];
  for (const line of section.split('\n')) {
    const cells = /^\| `([A-Z_]+)` \|(.*)\|$/.exec(line);
    if (cells === null) continue;
    const [by, when, field, offset] = cells[2]!.split(' | ').map((c) => c.trim());
    const mark = (c: string | undefined): boolean => {
      if (c !== '✓' && c !== '—') throw new Error(`docs/errors.md: "${c}" is neither ✓ nor — in ${line}`);
      return c === '✓';
    };
    rows.push({ code: cells[1]!, by: by!, when: when!, field: mark(field), offset: mark(offset) });
  }
  return rows;
}

const te = new TextEncoder();
function frame(...parts: (string | readonly number[])[]): Uint8Array {
  return Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...te.encode(p)] : p)));
}
const loose = (spec: MessageSpec): Codec<Message> => createCodec(spec) as unknown as Codec<Message>;
const ascii = loose(presets.iso87ascii);
const binary = loose(presets.iso87binary);
const structured = loose(structuredPreset(presets.iso87ascii));
const track1 = loose(withSubfields(presets.iso87ascii, { 45: { type: 'track1' } }));
const B0 = [0, 0, 0, 0, 0, 0, 0, 0];

const { specialize: _unused, ...asciiWithoutSpecialize } = getConverter('ascii');
/** A user converter with a bug: it throws a plain Error both ways (no `specialize`, so the codec calls these). */
const throwing: Converter = {
  ...asciiWithoutSpecialize,
  name: 'carries-throwing',
  decode: () => {
    throw new Error('user bug');
  },
  encode: () => {
    throw new Error('user bug');
  },
};
registerConverter(throwing);
// What a user does after registering a converter: declare its name, so specs that use it type-check.
declare module '../../src/index.js' {
  interface ConverterRegistry {
    'carries-throwing': 'text';
  }
}

const rich = loose(
  defineSpec({
    name: 'carries',
    header: { length: 2, encoding: 'ascii' },
    mti: { encoding: 'ascii' },
    bitmap: { format: 'hex', tertiary: true },
    fields: {
      3: {
        kind: 'n', length: 9, prefix: 'LL/ascii', encoding: 'ascii',
        subfields: { type: 'positional', fields: { 1: { kind: 'n', length: 2, encoding: 'ascii' }, 2: { kind: 'n', length: 4, encoding: 'ascii' } } },
      },
      4: { kind: 'n', length: 6, encoding: 'carries-throwing' },
      35: { kind: 'z', length: 20, encoding: 'bcd', lengthUnit: 'bytes', prefix: 'LL/bcd', nibblePad: { side: 'right', nibble: 'F' } },
      48: {
        kind: 'ans', length: 99, prefix: 'LL/ascii', encoding: 'ascii',
        subfields: { type: 'tlv', tagLength: 2, lengthDigits: 2, encoding: 'ascii', unknownTags: 'reject', tags: { AA: { kind: 'an', length: 9, encoding: 'ascii' } } },
      },
      130: { kind: 'an', length: 2, encoding: 'ascii' },
    },
  }),
);
/** A frame of `rich`: header `H1`, MTI 0100, a primary hex bitmap, then `rest`. */
const richFrame = (bitmap: string, ...rest: (string | readonly number[])[]): Uint8Array => frame('H1', '0100', bitmap, ...rest);

interface Provoker {
  readonly code: string;
  readonly by: string;
  readonly when: string;
  readonly run: () => unknown;
}
const p = (code: ErrorCode, by: string, when: string, ...runs: (() => unknown)[]): Provoker[] => runs.map((run) => ({ code, by, when, run }));

const macKey = SecretKey.from('tdes', '0123456789ABCDEFFEDCBA9876543210');
const hsm = softwareSecurityModule({ macKey, mac: { algorithm: 'retail' } });
const macRequest = { mti: '0200', fields: { 3: '000000', 11: '000001' } };
/** A signed request of the binary preset, its DE11 changed after signing, decoded: its MAC no longer holds. */
const tampered = async () => {
  const frame = await signMessage(binary, macRequest, hsm);
  frame[frame.length - 9]! ^= 1;
  return binary.decode(frame);
};

const provokers: Provoker[] = [
  ...p('INVALID_INPUT', 'decode', 'the input is not a `Uint8Array` (or cannot be read)', () => ascii.decode('0100' as never), () => ascii.decode(null as never)),
  ...p(
    'TRUNCATED',
    'decode',
    'the frame ends inside a header, MTI, bitmap, prefix, field or subfield',
    () => rich.decode(frame('H')),
    () => ascii.decode(frame('01')),
    () => ascii.decode(frame('0100', [0x70])),
    () => ascii.decode(frame('0100', [0x40, 0, 0, 0, 0, 0, 0, 0], '1')),
    () => ascii.decode(frame('0100', [0x40, 0, 0, 0, 0, 0, 0, 0], '16', '4111')),
    () => rich.decode(richFrame('2000000000000000', '04', '1')),
  ),
  ...p('TRAILING_BYTES', 'decode', 'bytes remain after the last field', () => ascii.decode(frame('0800', [0x20, 0, 0, 0, 0, 0, 0, 0], '000000', 'X'))),
  ...p('TRAILING_BYTES', 'decode', 'bytes remain after the last subfield of a field', () => rich.decode(richFrame('2000000000000000', '07', '0012345'))),
  ...p('INVALID_MTI', 'decode', 'the MTI is not four digits', () => ascii.decode(frame('01X0', B0)), () => binary.decode(Uint8Array.from([0x01, 0xa0, ...B0]))),
  ...p(
    'INVALID_BITMAP',
    'decode',
    'a hex bitmap is not hex, or bit 129 is set',
    () => rich.decode(richFrame('200000000000000G')),
    () => rich.decode(richFrame('8000000000000000', '8000000000000000', '8000000000000000')),
  ),
  ...p(
    'NON_CANONICAL_BITMAP',
    'decode',
    'a bitmap in a form encode never writes: lowercase hex digits, an extension bitmap (or second sub-bitmap) announced but empty, no secondary where the spec has `bitmap.alwaysSecondary`; `bitmap.lenient` accepts these',
    () => ascii.decode(frame('0100', [0x80, 0, 0, 0, 0, 0, 0, 0], B0)),
    () => rich.decode(richFrame('a000000000000000', '04', '12', '3456')),
  ),
  ...p('UNKNOWN_FIELD', 'decode', 'a bit names a field or subfield the spec does not define', () => rich.decode(richFrame('4000000000000000', '00'))),
  ...p(
    'INVALID_LENGTH_PREFIX',
    'decode',
    'a length prefix is not digits (or counts an odd number of hex characters)',
    () => ascii.decode(frame('0100', [0x40, 0, 0, 0, 0, 0, 0, 0], ' 4', '4111')),
  ),
  ...p('LENGTH_EXCEEDS_MAX', 'decode', "a length is above the field's maximum", () => ascii.decode(frame('0100', [0x40, 0, 0, 0, 0, 0, 0, 0], '21', '4'.repeat(21)))),
  ...p(
    'INVALID_CHARACTER',
    'decode',
    "a byte is outside the kind's alphabet or the converter's character set (a lowercase digit in `hex` text)",
    () => ascii.decode(frame('0100', [0x20, 0, 0, 0, 0, 0, 0, 0], '00A000')),
    () => rich.decode(frame('H', [0xff], '0100', '0000000000000000')),
  ),
  ...p('INVALID_NIBBLE', 'decode', 'a BCD nibble the kind does not allow (A–F in an `n` field)', () => binary.decode(Uint8Array.from([0x01, 0x00, 0x20, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x0a, 0x00]))),
  ...p(
    'INVALID_PADDING',
    'decode',
    'a BCD spare nibble differs from the declared pad',
    () => binary.decode(Uint8Array.from([0x01, 0x00, 0x40, 0, 0, 0, 0, 0, 0, 0, 0x15, 0xf3, 0x78, 0x28, 0x22, 0x46, 0x31, 0x00, 0x05])),
  ),
  ...p(
    'INVALID_TLV',
    'decode',
    'TLV or BER-TLV data is malformed',
    () => structured.decode(frame('0100', [0, 0, 0, 0, 0, 0, 0x02, 0], '003', [0x9f, 0x02, 0x05])),
    () => rich.decode(richFrame('0000000000010000', '04', 'AAx1')),
  ),
  ...p('UNKNOWN_TAG', 'decode', 'a tag is unknown and the layout rejects unknown tags', () => rich.decode(richFrame('0000000000010000', '05', 'XX01a'))),
  ...p(
    'INVALID_TRACK',
    'decode',
    'Track 2 has no separator, or a bad PAN, expiry or service code, or the separator the layout does not use (`D` in a `=` track; `=` or a second `D` in a `D` track: `offset` that byte)',
    () => structured.decode(frame('0100', [0, 0, 0, 0, 0x20, 0, 0, 0], '16', '4111111111111111')),
    () => structured.decode(frame('0100', [0, 0, 0, 0, 0x20, 0, 0, 0], '12', '4111D2812101')),
  ),
  ...p(
    'INVALID_TRACK',
    'decode',
    'a `track1` field breaks format B: format code, PAN, `^` separators, name, expiry, service code or a character outside the track alphabet (`offset`: the first such character)',
    () => track1.decode(frame('0100', [0, 0, 0, 0, 0, 0x08, 0, 0], '13', 'B41^X^2812201')),
  ),
  ...p('CONVERTER_FAILED', 'decode', 'a user converter threw something other than an `Iso8583Error`', () => rich.decode(richFrame('1000000000000000', '000000'))),

  ...p(
    'INVALID_MESSAGE',
    'encode',
    'the message or its `fields` is not an object, or reading it threw',
    () => ascii.encode(null as never),
    () => ascii.encode({ mti: '0100', fields: 'x' } as never),
    () =>
      ascii.encode({
        mti: '0100',
        fields: Object.defineProperty({}, '4', {
          enumerable: true,
          get() {
            throw new Error('getter');
          },
        }),
      }),
  ),
  ...p(
    'INVALID_MESSAGE',
    'encode',
    'a key of `fields` is not a data element number (the key is not echoed: it could be anything)',
    () => ascii.encode({ mti: '0100', fields: { abc: 'x' } as never }),
    () => ascii.encode({ mti: '0100', fields: { '4111111111111111': 'x' } as never }),
  ),
  ...p(
    'INVALID_MESSAGE',
    'encode',
    'a bitmap field (1, 129, and 65 with a tertiary bitmap) is given a value',
    () => ascii.encode({ mti: '0100', fields: { 1: 'x' } }),
    () => rich.encode({ header: 'H1', mti: '0100', fields: { 65: 'x' } }),
  ),
  ...p('INVALID_MESSAGE', 'encode', 'a positional subfield is missing', () => rich.encode({ header: 'H1', mti: '0100', fields: { 3: { 1: '00' } } })),
  ...p(
    'INVALID_MTI',
    'encode',
    'the MTI is not a string of four digits',
    () => ascii.encode({ mti: '100', fields: {} }),
    () => ascii.encode({ mti: 100, fields: {} } as never),
    () => ascii.encode({ mti: '01A0', fields: {} }),
    () => rich.encode({ header: 'H1', mti: '01', fields: {} }),
  ),
  ...p(
    'UNKNOWN_FIELD',
    'encode',
    'a field or subfield the spec does not define is given',
    () => rich.encode({ header: 'H1', mti: '0100', fields: { 2: 'x' } }),
    () => structured.encode({ mti: '0100', fields: { 127: { 65: 'x' } } }),
  ),
  ...p('UNKNOWN_TAG', 'encode', 'a tag is unknown and the layout rejects unknown tags', () => rich.encode({ header: 'H1', mti: '0100', fields: { 48: [{ tag: 'XX', value: 'a' }] } })),
  ...p(
    'INVALID_VALUE_TYPE',
    'encode',
    'a value (or the header) has the wrong JavaScript type: a number for an amount, a string for bytes',
    () => ascii.encode({ mti: '0100', fields: { 4: 1000 } as never }),
    () => ascii.encode({ mti: '0100', fields: { 52: '0102030405060708' } }),
    () => rich.encode({ header: 5, mti: '0100', fields: {} } as never),
    () => structured.encode({ mti: '0100', fields: { 127: { 3: 5 } } as never }),
  ),
  ...p(
    'LENGTH_EXCEEDS_MAX',
    'encode',
    "a value is longer than its field's maximum or fixed length",
    () => ascii.encode({ mti: '0100', fields: { 3: '0000000' } }),
    () => ascii.encode({ mti: '0100', fields: { 2: '4'.repeat(20) } }),
  ),
  ...p(
    'INVALID_LENGTH',
    'encode',
    'a fixed value (or the header) is shorter than its field and the field has no pad rule',
    () => ascii.encode({ mti: '0100', fields: { 52: new Uint8Array(7) } }),
    () => rich.encode({ header: 'H', mti: '0100', fields: {} }),
  ),
  ...p(
    'INVALID_CHARACTER',
    'encode',
    "a character outside the kind's alphabet or the converter's character set",
    () => ascii.encode({ mti: '0100', fields: { 3: '00A000' } }),
    () => ascii.encode({ mti: '0100', fields: { 28: '000000150' } }),
  ),
  ...p('INVALID_PADDING', 'encode', 'a packed value counted in bytes ends on its `F` pad nibble', () => rich.encode({ header: 'H1', mti: '0100', fields: { 35: '12D4FF' } })),
  ...p('INVALID_TLV', 'encode', 'a BER-TLV tag is not well-formed hex', () => structured.encode({ mti: '0100', fields: { 55: [{ tag: 'ZZ', value: new Uint8Array(1) }] } })),
  ...p(
    'INVALID_TRACK',
    'encode',
    'a Track 2 part is missing or not digits, or its discretionary data holds the separator the layout does not use (or a second `D`: `offset` the byte it would take)',
    () => structured.encode({ mti: '0100', fields: { 35: { pan: '4111', expiry: '28', serviceCode: '201', discretionary: '' } } }),
    () => structured.encode({ mti: '0100', fields: { 35: { pan: '4111', expiry: '2812', serviceCode: '201', discretionary: 'D' } } }),
  ),
  ...p('CONVERTER_FAILED', 'encode', 'a user converter threw something other than an `Iso8583Error`', () => rich.encode({ header: 'H1', mti: '0100', fields: { 4: '000000' } })),
  ...p(
    'INVALID_TRACK',
    'encode',
    "a `track1` value's parts do not make format B (`offset`: the field)",
    () => track1.encode({ mti: '0100', fields: { 45: { formatCode: 'B', pan: '41', name: 'X', expiry: '2812', serviceCode: '201', discretionary: '' } } }),
  ),
  ...p(
    'INVALID_TRACK',
    'parseTrack1',
    'Track 1 text breaks format B: format code, PAN, `^` separators, name, expiry, service code or a character outside the track alphabet (`offset`: the first such character)',
    () => parseTrack1('B4111111111111111^DOE/JANE^28X2201', '45', 3),
  ),
  ...p(
    'INVALID_TRACK',
    'formatTrack1',
    'a Track 1 part is missing or does not fit format B',
    () => formatTrack1({ formatCode: 'B', pan: '4111', name: 'X', expiry: '2812', serviceCode: '201', discretionary: '' }, '45', 3),
  ),

  ...p(
    'INVALID_SPEC',
    'validateSpec',
    "a part of the spec is inconsistent, or holds a key the format does not have: `field` names it (a field number or subfield path, `mti`, `bitmap`, `header`), the text the key's path (`2.lenghtUnit`)",
    () => validateSpec({ ...presets.iso87ascii, bitmap: { format: 'octal' } }),
    () => validateSpec({ ...presets.iso87ascii, fields: { 2: { ...presets.iso87ascii.fields[2], lenghtUnit: 'bytes' } } }),
    () => validateSpec({ ...presets.iso87ascii, header: { length: 2, encoding: 'ascii', lenght: 2 } }),
    () => validateSpec({ ...presets.iso87ascii, fields: { 2: { kind: 'n', length: 120, prefix: 'LL/ascii', encoding: 'ascii' } } }),
    // @ts-expect-error 'morse' names no converter: a type error too
    () => createCodec({ ...presets.iso87ascii, mti: { encoding: 'morse' } }),
  ),
  ...p(
    'INVALID_SPEC',
    'validateSpec',
    'the spec as a whole: not an object (or not JSON), no name, no field table, an unknown key at the top level, a key that is not a field number, or reading it threw (a getter or proxy trap: its text is not kept)',
    () => validateSpec(1),
    () => validateSpec({ ...presets.iso87ascii, feilds: {} }),
    () =>
      createCodec(
        Object.defineProperty({ ...presets.iso87ascii }, 'fields', {
          enumerable: true,
          get() {
            throw new Error('getter');
          },
        }),
      ),
    () => validateSpec({ ...presets.iso87ascii, name: '' }),
    () => validateSpec({ ...presets.iso87ascii, fields: { x: presets.iso87ascii.fields[2] } }),
  ),
  ...p(
    'INVALID_SPEC',
    'withSubfields',
    'a layout for a field the spec does not define, or a TLV, BER-TLV, bitmapped or variable positional layout on a padded field: `field` names it',
    // @ts-expect-error the spec has no DE35: a type error too
    () => withSubfields({ ...presets.iso87ascii, fields: { 2: presets.iso87ascii.fields[2] } }, { 35: { type: 'track2' } }),
    () => withSubfields(presets.iso87ascii, { 43: { type: 'tlv', tagLength: 2, lengthDigits: 2, encoding: 'ascii' } }),
  ),
  ...p(
    'INVALID_SPEC',
    'defineSpec',
    'a key the format does not have, at any level (`defineSpec` checks keys only: the rest waits for `createCodec`, so a converter may be registered later): `field` and the text as for validateSpec',
    () => (defineSpec as (spec: unknown) => unknown)({ ...presets.iso87ascii, bitmap: { format: 'binary', tertary: true } }),
    () => (defineSpec as (spec: unknown) => unknown)({ ...presets.iso87ascii, fields: { 2: { ...presets.iso87ascii.fields[2], lenghtUnit: 'bytes' } } }),
  ),
  ...p('INVALID_SPEC', 'registerConverter', 'the converter has no name, a built-in name, or lacks a member the codec calls', () => registerConverter({ ...getConverter('ascii') }), () => registerConverter({ name: 'carries-bare' } as never)),
  ...p('UNKNOWN_CONVERTER', 'getConverter', 'no converter is registered under the name', () => getConverter('morse')),
  ...p(
    'INVALID_MTI',
    'MTI helpers',
    '`mtiParts`, `responseMti` … were given something that is not four digits, or an MTI without the asked variant',
    () => responseMti('01'),
    () => responseMti('0110'),
  ),
  ...p(
    'INVALID_INPUT',
    'parseHexText',
    'a character that is neither a hex digit, white space nor a `#` comment (`offset`: in the text)',
    () => parseHexText('30 3G'),
  ),
  ...p('INVALID_INPUT', 'parseHexText', 'the text is not a string, or holds an odd number of digits', () => parseHexText('303'), () => parseHexText(5 as never)),
  ...p('INVALID_INPUT', 'fromHex', 'a character that is not a hex digit (`offset`: in the text)', () => fromHex('303G'), () => fromHex('30 31')),
  ...p('INVALID_INPUT', 'fromHex', 'the value is not a string, or holds an odd number of digits', () => fromHex('303'), () => fromHex(5 as never)),
  ...p(
    'INVALID_INPUT',
    'toHex',
    'the value is not a `Uint8Array` (a string, an array, an object with a `length`, a proxy)',
    () => toHex('30' as never),
    () => toHex({ length: 2 } as never),
    () => toHex(new Proxy(new Uint8Array(2), {}) as never),
  ),
  ...p(
    'UNKNOWN_PATH',
    'field paths',
    'the path does not start with a field number the spec defines (the path is not echoed)',
    () => fieldPaths(structured.spec).get({ mti: '0100', fields: {} }, '1'),
    () => fieldPaths(structured.spec).set({ mti: '0100', fields: {} }, '4111111111111111', 'x'),
  ),
  ...p(
    'UNKNOWN_PATH',
    'field paths',
    'a segment after the field names no subfield, tag or Track 2 part of what precedes it: `field` names the part of the path the spec knows',
    () => fieldPaths(structured.spec).get({ mti: '0100', fields: {} }, '127.65'),
    () => fieldPaths(structured.spec).has({ mti: '0100', fields: {} }, '55.9f26'),
    () => fieldPaths(structured.spec).remove({ mti: '0100', fields: {} }, '35.cvv'),
  ),
  ...p(
    'UNKNOWN_MTI',
    'codec set decode',
    "the frame's MTI selects no spec of the set (`createCodecSet`) and the set has no default (`offset`: the MTI's)",
    () => createCodecSet({ byMti: { '0800': presets.iso87ascii } }).decode(ascii.encode({ mti: '0100', fields: { 11: '000001' } })),
    () => createCodecSet({ byMti: { '08xx': presets.iso87binary } }).decode(binary.encode({ mti: '0100', fields: { 11: '000001' } })),
  ),
  ...p(
    'UNKNOWN_MTI',
    'codec set encode',
    "the message's MTI selects no spec of the set and the set has no default (`offset`: where the MTI would go)",
    // @ts-expect-error no key admits 0100: a type error too
    () => createCodecSet({ byMti: { '0800': presets.iso87ascii } }).encode({ mti: '0100', fields: { 11: '000001' } }),
  ),
  ...p(
    'INVALID_SPEC',
    'createCodecSet',
    'the specs of the set do not share the frame head: `field` names the part (`header`, `mti`, `bitmap`)',
    () => createCodecSet({ byMti: { '0100': presets.iso87ascii, '0800': presets.iso87binary } }),
    () => createCodecSet({ byMti: { '0100': presets.iso87ascii }, default: { ...presets.iso87ascii, header: { length: 2, encoding: 'ascii' } } }),
  ),
  ...p(
    'INVALID_MESSAGE',
    'field paths',
    'the message or its `fields` is not an object, or reading it threw',
    () => fieldPaths(structured.spec).get(null as never, '2'),
    () => fieldPaths(structured.spec).get({ mti: '0100', fields: 'x' } as never, '2'),
  ),
  ...p(
    'INVALID_MESSAGE',
    'field paths',
    "a value on the path lacks its layout's shape, or `set` or `remove` would leave a positional field or Track 2 incomplete: `field` names it",
    () => fieldPaths(structured.spec).get({ mti: '0100', fields: { 55: Uint8Array.of(0x9f, 0x26, 0) } }, '55.9F26'),
    () => fieldPaths(structured.spec).set({ mti: '0100', fields: {} }, '35.pan', '4111111111111111'),
    () => fieldPaths(structured.spec).remove({ mti: '0100', fields: {} }, '35.pan'),
  ),
  ...p(
    'INVALID_OPTION',
    'argument checks',
    'an argument or option of a call is missing, unknown, or of a type or value it cannot take; the text names the call and the option',
    () => arbitraryMessage(presets.iso87ascii, { maxFeilds: 2 } as never),
    () => structuredPreset(presets.iso87ascii, { de55: {} } as never),
    () => createCodecSet({ byMti: { '08x0': presets.iso87ascii } }),
  ),
  ...p(
    'INVALID_KEY',
    'security keys',
    'a key (`iso8583-codec/security`) is not a `SecretKey`, has a length its algorithm does not take or is not hex, or is for a cipher the call does not use',
    () => SecretKey.from('tdes', '0123'),
    () => SecretKey.from('aes', 'not hex'),
    () => encryptPinBlock({ algorithm: 'tdes', length: 16 } as never, '1234', { format: 1 }),
    () => encryptPinBlock(macKey, '1234', { format: 4, pan: '4111111111111111' }),
  ),
  ...p('INVALID_PIN', 'encryptPinBlock', 'the PIN is not a string of 4 to 12 decimal digits', () => encryptPinBlock(macKey, '123', { format: 1 })),
  ...p(
    'INVALID_PIN_BLOCK',
    'decryptPinBlock',
    'the block is not 8 bytes (16 for format 4), or deciphered it breaks its format: control nibble, PIN length, PIN digits or fill',
    () => decryptPinBlock(macKey, new Uint8Array(9), { format: 1 }),
    () => decryptPinBlock(macKey, encryptPinBlock(macKey, '1234', { format: 1 }), { format: 0, pan: '4111111111111111' }),
  ),
  ...p(
    'INVALID_SPEC',
    'macCoverage',
    'the MAC field is not a fixed binary field of the spec (kind `b`, no prefix, no subfields)',
    () => macCoverage(loose({ ...presets.iso87ascii, name: 'text-mac', fields: { ...presets.iso87ascii.fields, 64: { kind: 'an', length: 8, encoding: 'ascii' } } }), macRequest),
    () => signMessage(loose({ ...presets.iso87ascii, fields: { 3: presets.iso87ascii.fields[3] } }), macRequest, hsm),
  ),
  ...p(
    'INVALID_MESSAGE',
    'macCoverage',
    'a field numbered after the MAC field is present',
    () => macCoverage(binary, { mti: '0200', fields: { 3: '000000', 70: '301' } }, { field: 64 }),
  ),
  ...p('MAC_MISSING', 'verifyMessageMac', 'the message has no MAC field', () => verifyMessageMac(binary, macRequest, hsm)),
  ...p(
    'MAC_MISMATCH',
    'verifyMessageMac',
    'the MAC field does not hold the MAC of the bytes it covers (`offset`: where the MAC field starts in the frame)',
    async () => verifyMessageMac(binary, await tampered(), hsm),
  ),
  ...p(
    'MANDATORY_FIELD_MISSING',
    'encode',
    "the spec's `rules` make a field mandatory for the message's MTI (always, or by a condition that holds) and the message lacks it: the lowest such field (nothing is written yet)",
    () => ruled.encode({ mti: '0800', fields: { 7: '1124120000', 11: '000001' } }),
    () => ruled.encode({ mti: '0200', fields: { 3: '090000', 4: '000000001000', 11: '000001' } }),
  ),
  ...p(
    'FORBIDDEN_FIELD_PRESENT',
    'encode',
    "the spec's `rules` forbid a field for the message's MTI (always, or by a condition that holds) and the message carries it",
    () => ruled.encode({ mti: '0100', fields: { 3: '000000', 4: '000000001000', 11: '000001', 39: '00' } }),
  ),
  ...p(
    'MANDATORY_FIELD_MISSING',
    'decode with rules',
    "`decode(frame, { rules: true })`: the frame decodes but lacks a field its MTI's rules make mandatory (`offset`: the MTI's)",
    () => ruled.decode(ascii.encode({ mti: '0800', fields: { 7: '1124120000', 11: '000001' } }), { rules: true }),
  ),
  ...p(
    'FORBIDDEN_FIELD_PRESENT',
    'decode with rules',
    "`decode(frame, { rules: true })`: the frame decodes but carries a field its MTI's rules forbid (`offset`: where that field starts)",
    () => ruled.decode(ascii.encode({ mti: '0100', fields: { 3: '000000', 4: '000000001000', 11: '000001', 39: '00' } }), { rules: true }),
  ),
  ...p(
    'INVALID_SPEC',
    'validateSpec rules',
    "the spec's `rules` are inconsistent or hold an unknown key (a key that is not an MTI pattern, a field the spec does not define, a field both mandatory and forbidden for one MTI, a malformed condition): `field` is `rules`, the text gives the path (`rules.0100.mandatory`)",
    () => validateSpec({ ...presets.iso87ascii, rules: { '01X0': {} } }),
    () => validateSpec({ ...presets.iso87ascii, rules: { '0100': { mandatory: [129] } } }),
    () => validateSpec({ ...presets.iso87ascii, rules: { '0100': { mandatory: [39] }, '01x0': { forbidden: [39] } } }),
    () => validateSpec({ ...presets.iso87ascii, rules: { '0100': { conditional: [{ when: { field: 3 }, mandatory: [4] }] } } }),
    () => validateSpec({ ...presets.iso87ascii, rules: { '0100': { mandtory: [3] } } }),
  ),
];

/** The 1987 ASCII preset with the standard's rules, one forbidden field and one condition of a network's. */
const ruled = loose(
  withRules(presets.iso87ascii, {
    ...ISO87_RULES,
    '0100': { ...ISO87_RULES['0100'], forbidden: [39] },
    '0200': { ...ISO87_RULES['0200'], conditional: [{ when: { field: 3, startsWith: '09' }, mandatory: [54] }] },
  }),
);

/** The Iso8583Error `run` throws, or rejects with when it returns a promise. */
async function caught(run: () => unknown): Promise<ReturnType<typeof catchIso>> {
  let result: unknown;
  const thrown = (() => {
    try {
      result = run();
    } catch (e) {
      return catchIso(() => {
        throw e;
      });
    }
    return undefined;
  })();
  if (thrown !== undefined) return thrown;
  if (!(result instanceof Promise)) return catchIso(() => result);
  const rejected = await result.then(
    () => undefined,
    (e: unknown) => e,
  );
  return catchIso(() => {
    throw rejected;
  });
}

describe('docs/errors.md: what each error carries', () => {
  const rows = documentedRows();
  const key = (r: { code: string; by: string; when: string }): string => `${r.code} | ${r.by} | ${r.when}`;

  it('has a row for every code in ErrorCode, and only for those', () => {
    const codes = new Set(rows.map((r) => r.code));
    expect([...codes].sort()).toEqual(Object.values(ErrorCode).sort());
  });

  it('is provoked row by row, and every provoked error belongs to a row', () => {
    const provoked = new Set(provokers.map(key));
    expect(rows.map(key).filter((k) => !provoked.has(k))).toEqual([]);
    const documented = new Set(rows.map(key));
    expect(provokers.map(key).filter((k) => !documented.has(k))).toEqual([]);
  });

  for (const row of rows) {
    const mine = provokers.filter((pr) => key(pr) === key(row));
    it(`${row.code} from ${row.by} (${row.when.slice(0, 60)}) carries ${row.field ? 'a' : 'no'} field and ${row.offset ? 'an' : 'no'} offset`, async () => {
      expect(mine.length).toBeGreaterThan(0);
      for (const pr of mine) {
        const e = await caught(pr.run);
        expect({ code: e.code, field: e.field !== undefined, offset: e.offset !== undefined }).toEqual({
          code: row.code,
          field: row.field,
          offset: row.offset,
        });
        if (e.field !== undefined) expect(typeof e.field).toBe('string');
        if (e.offset !== undefined) expect(Number.isInteger(e.offset) && e.offset >= 0).toBe(true);
      }
    });
  }
});
