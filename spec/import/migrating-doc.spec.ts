import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { JPOS_CLASSES } from '../../src/import/jpos-classes.js';
import { createCodec, defineSpec, type FieldSpec, importJposPackager, importMoovSpec, importPyiso8583Spec, type Message, toHex, validateSpec } from '../../src/index.js';
import { catchIso } from '../message/errors-helper.js';

/** The promises docs/migrating.md makes about the importers and the pyiso8583 mapping, one test each. */
const doc = readFileSync(join(fileURLToPath(new URL('../..', import.meta.url)), 'docs', 'migrating.md'), 'utf8');

/** The rows of the markdown table whose header line is `header`, as arrays of cells. */
function table(header: string): string[][] {
  const lines = doc.split('\n');
  const start = lines.indexOf(header);
  expect(start, header).toBeGreaterThanOrEqual(0);
  const rows: string[][] = [];
  for (let i = start + 2; i < lines.length && lines[i]!.startsWith('|'); i++) {
    rows.push(lines[i]!.slice(1, -1).split('|').map((c) => c.trim()));
  }
  return rows;
}
const code = (cell: string): string => /^`(.*)`/.exec(cell)![1]!;

const HEAD = '<isofield id="0" length="4" class="org.jpos.iso.IFA_NUMERIC"/><isofield id="1" length="16" class="org.jpos.iso.IFB_BITMAP"/>';
const jposField = (cls: string, length: string, pad = '') =>
  importJposPackager(`<isopackager>${HEAD}<isofield id="2" length="${length}"${pad === '' ? '' : ` pad="${pad}"`} class="org.jpos.iso.${cls}"/></isopackager>`).fields[2];

describe('docs/migrating.md, From jPOS', () => {
  const rows = table('| jPOS class | length | pad | field spec |');

  it('lists every class of the mapping table', () => {
    expect(new Set(rows.map((r) => code(r[0]!)))).toEqual(new Set(Object.keys(JPOS_CLASSES)));
  });

  it.each(rows.map((r) => [code(r[0]!), r[1]!, r[2]!, r[3]!]))('maps %s (length %s, pad "%s") as its row says', (cls, length, pad, spec) => {
    if (spec.endsWith('(bitmap)')) {
      const s = importJposPackager(`<isopackager><isofield id="0" length="4" class="org.jpos.iso.IFA_NUMERIC"/><isofield id="1" length="${length}" class="org.jpos.iso.${cls}"/></isopackager>`);
      expect(s.bitmap).toEqual(JSON.parse(code(spec)));
    } else expect(jposField(cls, length, pad)).toEqual(JSON.parse(code(spec)));
  });

  it.each([
    ['IFA_NUMERIC', 'ascii'],
    ['IF_CHAR', 'ascii'],
    ['IFB_NUMERIC', 'bcd'],
    ['IFE_NUMERIC', 'ebcdic1047'],
    ['IFE_CHAR', 'ebcdic1047'],
  ])("takes field 0's class %s as the MTI encoding %s", (cls, encoding) => {
    expect(importJposPackager(`<isopackager><isofield id="0" length="4" class="org.jpos.iso.${cls}"/><isofield id="1" length="8" class="org.jpos.iso.IFB_BITMAP"/></isopackager>`).mti).toEqual({ encoding });
  });

  it("takes field 1's length as the bitmaps: 8 a primary only, 16 a secondary, 24 a tertiary", () => {
    const bitmap = (length: number, body = '') => `<isopackager><isofield id="0" length="4" class="org.jpos.iso.IFA_NUMERIC"/><isofield id="1" length="${length}" class="org.jpos.iso.IFB_BITMAP"/>${body}</isopackager>`;
    const f = (n: number) => `<isofield id="${n}" length="3" class="org.jpos.iso.IFA_NUMERIC"/>`;
    expect(catchIso(() => importJposPackager(bitmap(8, f(65)))).field).toBe('65');
    expect(importJposPackager(bitmap(8, f(64))).bitmap).toEqual({ format: 'binary' });
    expect(importJposPackager(bitmap(16, f(128))).bitmap).toEqual({ format: 'binary' });
    expect(catchIso(() => importJposPackager(bitmap(16, f(130)))).field).toBe('130');
    expect(importJposPackager(bitmap(24, f(192))).bitmap).toEqual({ format: 'binary', tertiary: true });
  });

  it('takes headerLength as a binary header of that many bytes', () => {
    expect(importJposPackager(`<isopackager headerLength="5">${HEAD}</isopackager>`).header).toEqual({ length: 5, encoding: 'binary' });
  });

  it('lets pad change nothing on a class that is not BCD', () => {
    for (const cls of ['IF_CHAR', 'IFA_NUMERIC', 'IFA_LLCHAR', 'IFE_CHAR', 'IFB_LLHCHAR']) expect(jposField(cls, '9', 'true')).toEqual(jposField(cls, '9'));
  });

  it('is strict where jPOS pads and cuts: a value longer than an IF_CHAR field is an error', () => {
    const codec = createCodec(importJposPackager(`<isopackager>${HEAD}<isofield id="41" length="8" class="org.jpos.iso.IF_CHAR"/></isopackager>`));
    // A short value is padded with spaces, as jPOS pads it.
    expect(toHex(codec.encode({ mti: '0800', fields: { 41: 'T1' } }))).toBe(toHex(codec.encode({ mti: '0800', fields: { 41: 'T1      ' } })));
    expect(catchIso(() => codec.encode({ mti: '0800', fields: { 41: 'TERMINAL1' } })).field).toBe('41');
  });

  it('is strict where jPOS pads an amount or takes any character: IFA_AMOUNT in full, digits only in n fields', () => {
    const codec = createCodec(importJposPackager(`<isopackager>${HEAD}<isofield id="28" length="9" class="org.jpos.iso.IFA_AMOUNT"/><isofield id="3" length="6" class="org.jpos.iso.IFA_NUMERIC"/></isopackager>`));
    expect(toHex(codec.encode({ mti: '0100', fields: { 28: 'C00000100' } })).endsWith(toHex(new TextEncoder().encode('C00000100')))).toBe(true);
    expect(catchIso(() => codec.encode({ mti: '0100', fields: { 28: 'C100' } }))).toMatchObject({ code: 'INVALID_LENGTH', field: '28' });
    expect(catchIso(() => codec.encode({ mti: '0100', fields: { 3: '00A000' } }))).toMatchObject({ code: 'INVALID_CHARACTER', field: '3' });
  });

  it('is strict where jPOS stops early: every positional subfield is present', () => {
    const codec = createCodec(
      importJposPackager(
        `<isopackager>${HEAD}<isofieldpackager id="48" length="99" class="org.jpos.iso.IFA_LLCHAR" packager="org.jpos.iso.packager.GenericSubFieldPackager" emitBitmap="false"><isofield id="1" length="2" class="org.jpos.iso.IF_CHAR"/><isofield id="2" length="2" class="org.jpos.iso.IF_CHAR"/></isofieldpackager></isopackager>`,
      ),
    );
    const e = catchIso(() => codec.encode({ mti: '0100', fields: { 48: { 1: 'AB' } } } as unknown as Message));
    expect([e.code, e.field]).toEqual(['INVALID_MESSAGE', '48.2']);
    const short = codec.encode({ mti: '0100', fields: { 48: { 1: 'AB', 2: 'CD' } } } as unknown as Message);
    // The same frame with DE48 cut to its first subfield ("02AB"): jPOS would read it, here it is truncated.
    const cut = new Uint8Array([...short.subarray(0, 12), 0x30, 0x32, 0x41, 0x42]);
    const cutError = catchIso(() => codec.decode(cut));
    expect([cutError.code, cutError.field]).toEqual(['TRUNCATED', '48.2']);
  });
});

describe('docs/migrating.md, From moov-io/iso8583', () => {
  const HEAD_MOOV = { 0: { type: 'String', length: 4, enc: 'ASCII', prefix: 'ASCII.Fixed' }, 1: { type: 'Bitmap', length: 8, enc: 'Binary', prefix: 'Binary.Fixed' } };
  const rows = table('| moov field | field spec |');

  it.each(rows.map((r) => [code(r[0]!), code(r[1]!)]))('maps %s to %s', (moov, spec) => {
    expect(importMoovSpec({ fields: { ...HEAD_MOOV, 2: JSON.parse(moov) as unknown } }).fields[2]).toEqual(JSON.parse(spec));
  });

  it('turns on bitmap.tertiary and refuses a field 65', () => {
    expect(importMoovSpec({ fields: HEAD_MOOV }).bitmap).toEqual({ format: 'binary', tertiary: true });
    expect(catchIso(() => importMoovSpec({ fields: { ...HEAD_MOOV, 65: { type: 'Binary', length: 8, enc: 'Binary', prefix: 'Binary.Fixed' } } })).field).toBe('65');
  });
});

describe('docs/migrating.md, From pyiso8583', () => {
  const spec = (field: FieldSpec) => validateSpec({ name: 'py', mti: { encoding: 'ascii' }, bitmap: { format: 'binary' }, fields: { 2: field } });
  /** The bytes of field 2 alone: the frame after the MTI (4) and the primary bitmap (8). */
  const fieldBytes = (field: FieldSpec, value: unknown) => toHex(createCodec(spec(field)).encode({ mti: '0100', fields: { 2: value } } as unknown as Message).subarray(12));

  it('has a converter for each data_enc of its table', () => {
    for (const encoding of ['ascii', 'ebcdic037', 'ebcdic500'] as const) expect(() => spec({ kind: 'ans', length: 9, encoding })).not.toThrow();
    expect(fieldBytes({ kind: 'b', length: 2, encoding: 'binary' }, new Uint8Array([0xab, 0xcd]))).toBe('ABCD');
    expect(fieldBytes({ kind: 'n', length: 4, encoding: 'bcd' }, '1234')).toBe('1234');
  });

  it('writes a length prefix in as many bytes as len_type says', () => {
    const text = 'A'.repeat(16);
    expect(fieldBytes({ kind: 'ans', length: 99, prefix: 'LL/ascii', encoding: 'ascii' }, text).slice(0, 4)).toBe('3136');
    expect(fieldBytes({ kind: 'ans', length: 999, prefix: 'LLL/ascii', encoding: 'ascii' }, text).slice(0, 6)).toBe('303136');
    // pyiso8583's own examples: 16 is \x16 in a BCD length and \x10 in a binary one.
    expect(fieldBytes({ kind: 'ans', length: 99, prefix: 'LL/bcd', encoding: 'ascii' }, text).slice(0, 2)).toBe('16');
    expect(fieldBytes({ kind: 'ans', length: 9999, prefix: 'LLLL/bcd', encoding: 'ascii' }, text).slice(0, 4)).toBe('0016');
    expect(fieldBytes({ kind: 'ans', length: 255, prefix: 'B1', encoding: 'ascii' }, text).slice(0, 2)).toBe('10');
    expect(fieldBytes({ kind: 'ans', length: 999, prefix: 'B2', encoding: 'ascii' }, text).slice(0, 4)).toBe('0010');
  });

  it('counts BCD lengths in digits for len_count nibbles and in bytes for len_count bytes, with the pad nibble given', () => {
    // pyiso8583's examples: "111" as an LLVAR of nibbles left-padded with 0 is \x03\x01\x11; as 3 fixed nibbles
    // right-padded with 0 it is \x11\x10.
    expect(fieldBytes({ kind: 'n', length: 20, prefix: 'LL/bcd', encoding: 'bcd', lengthUnit: 'digits', nibblePad: { side: 'left', nibble: '0' } }, '111')).toBe('030111');
    expect(fieldBytes({ kind: 'n', length: 3, encoding: 'bcd', nibblePad: { side: 'right', nibble: '0' } }, '111')).toBe('1110');
    expect(fieldBytes({ kind: 'n', length: 10, prefix: 'LL/bcd', encoding: 'bcd', lengthUnit: 'bytes' }, '1234')).toBe('021234');
    expect(fieldBytes({ kind: 'n', length: 20, prefix: 'LL/bcd', encoding: 'bcd', lengthUnit: 'digits', nibblePad: { side: 'right', nibble: 'F' } }, '111')).toBe('03111F');
  });

  it('maps t, p and 1, and h to the MTI, the bitmaps and the header', () => {
    const py = defineSpec({ name: 'py', header: { length: 5, encoding: 'binary' }, mti: { encoding: 'ascii' }, bitmap: { format: 'hex' }, fields: { 70: { kind: 'n', length: 3, encoding: 'ascii' } } });
    const frame = createCodec(py).encode({ mti: '0800', header: new Uint8Array(5), fields: { 70: '301' } });
    // h (5 bytes), t "0800", p and 1 as 16 hex characters each, then DE70.
    expect(toHex(frame)).toBe(`0000000000${'30383030'}${toHex(new TextEncoder().encode('80000000000000000400000000000000'))}333031`);
    const binary = createCodec(validateSpec({ ...py, bitmap: { format: 'binary' } })).encode({ mti: '0800', header: new Uint8Array(5), fields: { 70: '301' } });
    expect(toHex(binary)).toBe('00000000003038303080000000000000000400000000000000333031');
  });

  it('has importPyiso8583Spec turn binary data into bytes, or into hex digits through BCD when counted in nibbles', () => {
    const T = { data_enc: 'ascii', len_enc: 'ascii', len_type: 0, max_len: 4 };
    const P = { data_enc: 'b', len_enc: 'ascii', len_type: 0, max_len: 8 };
    const imported = importPyiso8583Spec({
      t: T,
      p: P,
      2: { data_enc: 'b', len_enc: 'bcd', len_type: 1, max_len: 19, len_count: 'nibbles', left_pad: '0' },
      52: { data_enc: 'b', len_enc: 'ascii', len_type: 0, max_len: 8 },
    });
    expect(imported.fields[52]).toEqual({ kind: 'b', length: 8, encoding: 'binary' });
    expect(imported.fields[2]).toMatchObject({ kind: 'z', encoding: 'bcd', lengthUnit: 'digits' });
    // All sixteen nibbles, as pyiso8583's hex strings: 0-9 and A-F.
    const bytes = createCodec(imported).encode({ mti: '0100', fields: { 2: '0123456789ABCDEF' } } as unknown as Message);
    expect(toHex(bytes.subarray(12))).toBe('160123456789ABCDEF');
    for (const [field, detail] of [
      [{ data_enc: 'latin-1', len_enc: 'ascii', len_type: 0, max_len: 3 }, 'data_enc "latin-1"'],
      [{ data_enc: 'cp1140', len_enc: 'ascii', len_type: 0, max_len: 3 }, 'data_enc "cp1140"'],
      [{ data_enc: 'b', len_enc: 'bcd', len_type: 1, max_len: 19, len_count: 'nibbles', right_pad: '1' }, 'right_pad "1" cannot be mapped'],
      [{ data_enc: 'b', len_enc: 'bcd', len_type: 1, max_len: 19, len_count: 'nibbles' }, 'needs left_pad or right_pad'],
    ] as const) {
      const e = catchIso(() => importPyiso8583Spec({ t: T, p: P, 2: field }));
      expect([e.code, e.field]).toEqual(['INVALID_SPEC', '2']);
      expect(e.message).toContain(detail);
    }
  });
});
