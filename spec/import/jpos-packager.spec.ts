import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JPOS_CLASSES } from '../../src/import/jpos-classes.js';
import { createCodec, fromHex, importJposPackager, type Message, parseHexText, specFromJSON, specToJSON, toHex, validateSpec } from '../../src/index.js';
import { FIXTURES } from '../helpers/fixtures.js';
import { catchIso } from '../message/errors-helper.js';

const dir = join(FIXTURES, 'jpos');
const read = (name: string): string => readFileSync(join(dir, name), 'utf8');
const files = readdirSync(dir).filter((f) => f.endsWith('.xml')).sort();

const MTI = '<isofield id="0" length="4" class="org.jpos.iso.IFA_NUMERIC"/>';
const BITMAP = '<isofield id="1" length="16" class="org.jpos.iso.IFB_BITMAP"/>';
/** A packager of `body` after the usual MTI and bitmap (pass `head: ''` to write them yourself). */
const pkg = (body: string, { attrs = '', head = `${MTI}${BITMAP}` } = {}): string => `<isopackager${attrs}>${head}${body}</isopackager>`;
const refusal = (xml: string) => catchIso(() => importJposPackager(xml));
const sub = (attrs: string, body: string, cls = 'IFA_LLLCHAR') =>
  pkg(`<isofieldpackager id="48" length="999" class="org.jpos.iso.${cls}" packager="org.jpos.iso.packager.GenericSubFieldPackager"${attrs}>${body}</isofieldpackager>`);

describe('importJposPackager on the packager files written for the tests', () => {
  it.each(files)('%s imports to a spec that validates and survives JSON', (file) => {
    const spec = importJposPackager(read(file), { name: file });
    expect(validateSpec(spec)).toBe(spec);
    expect(specFromJSON(specToJSON(spec))).toEqual(spec);
    expect(() => createCodec(spec)).not.toThrow();
  });

  it('cover every class of the mapping table between them', () => {
    const all = files.map(read).join('\n');
    const missing = Object.keys(JPOS_CLASSES).filter((c) => !all.includes(`class="org.jpos.iso.${c}"`));
    expect(missing).toEqual([]);
  });

  it('map the MTI class to the MTI encoding and the bitmap class and length to the bitmap', () => {
    const ascii = importJposPackager(read('ascii.xml'));
    const binary = importJposPackager(read('binary.xml'));
    const ebcdic = importJposPackager(read('ebcdic.xml'));
    expect([ascii.mti, ascii.bitmap]).toEqual([{ encoding: 'ascii' }, { format: 'hex', encoding: 'ascii' }]);
    expect([binary.mti, binary.bitmap]).toEqual([{ encoding: 'bcd' }, { format: 'binary' }]);
    expect([ebcdic.mti, ebcdic.bitmap]).toEqual([{ encoding: 'ebcdic1047' }, { format: 'hex', encoding: 'ebcdic1047', tertiary: true }]);
    expect(ebcdic.header).toEqual({ length: 2, encoding: 'binary' });
    expect(ascii.name).toBe('jpos-packager');
  });

  it('take the BCD pad attribute as the side of the spare nibble: true left, false or absent right', () => {
    const { fields } = importJposPackager(read('binary.xml'));
    expect(fields[22]).toEqual({ kind: 'n', length: 3, encoding: 'bcd', pad: { side: 'left', char: '0' }, nibblePad: { side: 'left', nibble: '0' }, description: 'POS entry mode, pad left' });
    expect(fields[23]!.nibblePad).toEqual({ side: 'right', nibble: '0' });
    expect(fields[3]!.nibblePad).toEqual({ side: 'right', nibble: '0' });
    expect(fields[32]).toMatchObject({ prefix: 'LL/bcd', lengthUnit: 'digits', nibblePad: { side: 'left', nibble: '0' } });
    expect(fields[33]).toMatchObject({ kind: 'n', prefix: 'B1', encoding: 'bcd', lengthUnit: 'digits', nibblePad: { side: 'right', nibble: '0' } });
  });

  it('read entities in attribute values: the five named ones and numeric references', () => {
    const ascii = importJposPackager(read('ascii.xml'));
    const binary = importJposPackager(read('binary.xml'));
    expect(ascii.fields[41]!.description).toBe('Terminal "id"');
    expect(ascii.fields[48]!.description).toBe('Private <positional>');
    expect(binary.fields[28]!.description).toBe('Fee & sign');
    expect(binary.fields[43]!.description).toBe('Name & location');
    expect(importJposPackager(pkg('<isofield id="2" length="9" name="it&apos;s &#65;&#x42;" class="org.jpos.iso.IF_CHAR"/>')).fields[2]!.description).toBe("it's AB");
  });

  it('make emitBitmap="false" sub-packagers positional and the others bitmapped, nesting included', () => {
    const ascii = importJposPackager(read('ascii.xml'));
    expect(ascii.fields[48]).toEqual({
      kind: 'ans',
      length: 999,
      prefix: 'LLL/ascii',
      encoding: 'ascii',
      description: 'Private <positional>',
      subfields: {
        type: 'positional',
        fields: {
          1: { kind: 'n', length: 2, encoding: 'ascii', pad: { side: 'left', char: '0' }, description: 'Version' },
          2: { kind: 'ans', length: 20, prefix: 'LL/ascii', encoding: 'ascii', description: 'Merchant' },
          3: { kind: 'ans', length: 3, encoding: 'ascii', pad: { side: 'right', char: ' ' }, description: 'Country' },
        },
      },
    });
    const binary = importJposPackager(read('binary.xml'));
    expect(binary.fields[127]).toMatchObject({ kind: 'b', prefix: 'LLL/bcd', encoding: 'binary', subfields: { type: 'bitmapped', bitmap: { format: 'binary' } } });
    expect(binary.fields[127]!.subfields).not.toHaveProperty('secondary');
    expect(binary.fields[127]!.subfields).toMatchObject({ fields: { 25: { prefix: 'B1', subfields: { type: 'positional' } } } });
  });

  it('give a 16-byte sub-bitmap a second sub-bitmap, and a hex one its text encoding', () => {
    const spec = importJposPackager(
      sub(
        '',
        '<isofield id="1" length="16" class="org.jpos.iso.IFE_BITMAP"/><isofield id="2" length="5" class="org.jpos.iso.IFE_NUMERIC"/><isofield id="100" length="2" class="org.jpos.iso.IF_CHAR"/>',
      ),
    );
    expect(spec.fields[48]!.subfields).toMatchObject({ type: 'bitmapped', bitmap: { format: 'hex', encoding: 'ebcdic1047' }, secondary: true });
    const bitmapAtZero = importJposPackager(sub(' bitmapField="0"', '<isofield id="0" length="8" class="org.jpos.iso.IFA_BITMAP"/><isofield id="1" length="2" class="org.jpos.iso.IF_CHAR"/>'));
    expect(bitmapAtZero.fields[48]!.subfields).toEqual({ type: 'bitmapped', bitmap: { format: 'hex', encoding: 'ascii' }, fields: { 1: { kind: 'ans', length: 2, encoding: 'ascii', pad: { side: 'right', char: ' ' } } } });
  });
});

describe('the wire meaning of an imported packager', () => {
  it('encodes a binary.xml frame to the hand-computed bytes, and decodes them back', () => {
    const codec = createCodec(importJposPackager(read('binary.xml')));
    const message = {
      mti: '0200',
      fields: {
        2: '4111111111111111',
        22: '051',
        23: '001',
        28: { 1: 'C', 2: '00001000' },
        33: '12345',
        35: '123',
        45: 'AB',
        127: { 2: 'KEY', 25: { 1: '01', 2: 'HI' } },
      },
    };
    const expected = parseHexText(`
      0200                               # MTI, IFB_NUMERIC 4: two BCD bytes
      C000061 0A0080000                  # primary bitmap: 1 (secondary), 2, 22, 23, 28, 33, 35, 45
      0000000000000002                   # secondary bitmap: 127
      16 4111111111111111                # DE2 IFB_LLNUM: BCD length 16 digits, then 8 bytes
      0051                               # DE22 IFB_NUMERIC 3, pad="true": spare 0 nibble on the left
      0010                               # DE23 IFB_NUMERIC 3, pad="false": spare 0 nibble on the right
      43 00001000                        # DE28 IFB_AMOUNT 9: ASCII 'C', 8 BCD digits; 1 + 9/2 = 5 bytes
      05 123450                          # DE33 IFB_LLHNUM: binary count of 5 digits, right-padded
      0003 0123                          # DE35 IFB_LLLHNUM pad="true": 2-byte binary count 3, left-padded
      02 C1C2                            # DE45 IFB_LLHECHAR: binary count 2, "AB" in EBCDIC
      0017                               # DE127 IFB_LLLBINARY: BCD length 017 bytes
        4000008000000000                 #   sub-bitmap IFB_BITMAP 8: subfields 2 and 25
        03 4B4559                        #   127.2 IFB_LLCHAR: BCD length 3, "KEY" in ASCII
        04 01 02 4849                    #   127.25 IFB_LLHBINARY of 4 bytes: 1 = BCD "01", 2 = LL "HI"
    `);
    const bytes = codec.encode(message as unknown as Message);
    expect(toHex(bytes)).toBe(toHex(expected));
    expect(codec.decode(bytes)).toEqual(message);
  });

  it('encodes an ascii.xml frame to the hand-computed bytes, and decodes them back', () => {
    const codec = createCodec(importJposPackager(read('ascii.xml')));
    const message = { mti: '0100', fields: { 2: '4111111111111111', 28: 'D00000150', 41: 'T1      ', 48: { 1: '01', 2: 'ACME', 3: 'US ' }, 52: fromHex('0102030405060708'), 59: fromHex('ABCD') } };
    const expected = parseHexText(`
      30313030                           # MTI "0100", IFA_NUMERIC
      34303030303031303030383131303230   # IFA_BITMAP as ASCII hex "4000001000811020": 2, 28, 41, 48, 52, 59
      3136 34313131313131313131313131313131  # DE2 IFA_LLNUM: "16", then the digits
      443030303030313530                 # DE28 IFA_AMOUNT 9: "D" and 8 digits
      5431202020202020                   # DE41 IF_CHAR 8: "T1" and six spaces
      303131                             # DE48 IFA_LLLCHAR: "011" characters of subfields
        3031                             #   48.1 IFA_NUMERIC 2: "01"
        3034 41434D45                    #   48.2 IFA_LLCHAR: "04" "ACME"
        555320                           #   48.3 IF_CHAR 3: "US "
      30313032303330343035303630373038   # DE52 IFA_BINARY 8: 8 bytes as 16 hex digits in ASCII
      3032 41424344                      # DE59 IFA_LLABINARY: "02" bytes, then "ABCD" as hex text
    `);
    const bytes = codec.encode(message as unknown as Message);
    expect(toHex(bytes)).toBe(toHex(expected));
    expect(codec.decode(bytes)).toEqual(message);
  });

  it('encodes an ebcdic.xml frame with its header and tertiary bitmap to the hand-computed bytes', () => {
    const codec = createCodec(importJposPackager(read('ebcdic.xml')));
    const message = { mti: '0100', header: fromHex('0001'), fields: { 3: '000000', 41: 'T1      ', 130: '007' } };
    const expected = parseHexText(`
      0001                                              # header: headerLength 2, raw bytes
      F0F1F0F0                                          # MTI IFE_NUMERIC: "0100" in EBCDIC
      C1F0F0F0F0F0F0F0F0F0F8F0F0F0F0F0                  # primary "A000000000800000": bits 1, 3, 41
      F8F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0                  # secondary "8000000000000000": bit 65 (tertiary follows)
      F4F0F0F0F0F0F0F0F0F0F0F0F0F0F0F0                  # tertiary "4000000000000000": bit 130
      F0F0F0F0F0F0                                      # DE3 IFE_NUMERIC 6
      E3F1404040404040                                  # DE41 IFE_CHAR 8: "T1" and six EBCDIC spaces
      F0F0F7                                            # DE130 IFE_NUMERIC 3
    `);
    const bytes = codec.encode(message as unknown as Message);
    expect(toHex(bytes)).toBe(toHex(expected));
    expect(codec.decode(bytes)).toEqual(message);
  });
});

describe('importJposPackager refuses what it cannot map, naming the field and the class', () => {
  it.each([
    ['a class outside the distribution', pkg('<isofield id="2" length="9" class="com.acme.IF_SPECIAL"/>'), '2', 'com.acme.IF_SPECIAL is not a field packager of the jPOS distribution'],
    ['a class refused on purpose (IFE_BINARY)', pkg('<isofield id="52" length="8" class="org.jpos.iso.IFE_BINARY"/>'), '52', 'class IFE_BINARY cannot be mapped: it writes bytes as hex digits in EBCDIC'],
    ['IFA_LLBNUM', pkg('<isofield id="2" length="19" class="org.jpos.iso.IFA_LLBNUM"/>'), '2', 'class IFA_LLBNUM cannot be mapped'],
    ['IFB_LLHFBINARY', pkg('<isofield id="2" length="19" class="org.jpos.iso.IFB_LLHFBINARY"/>'), '2', 'class IFB_LLHFBINARY cannot be mapped'],
    ['IF_NOP', pkg('<isofield id="2" length="0" class="org.jpos.iso.IF_NOP"/>'), '2', 'class IF_NOP cannot be mapped'],
    ['a class not in the table', pkg('<isofield id="48" length="999" class="org.jpos.iso.IF_TCHAR"/>'), '48', 'class IF_TCHAR is not in the mapping table'],
    ['a class in a sub-package', pkg('<isofield id="48" length="999" class="org.jpos.iso.packager.X"/>'), '48', 'is not a field packager of the jPOS distribution'],
    ['a bitmap class as a data element', pkg('<isofield id="2" length="8" class="org.jpos.iso.IFB_BITMAP"/>'), '2', 'class IFB_BITMAP is a bitmap'],
    ['an MTI class that holds no MTI', pkg('', { head: `<isofield id="0" length="4" class="org.jpos.iso.IFB_LLCHAR"/>${BITMAP}` }), '0', 'class IFB_LLCHAR cannot hold the MTI'],
    ['an MTI of 6 digits', pkg('', { head: `<isofield id="0" length="6" class="org.jpos.iso.IFA_NUMERIC"/>${BITMAP}` }), '0', 'length must be 4'],
    ['no field 0', pkg('', { head: BITMAP }), '0', 'field 0 (the MTI) is not defined'],
    ['no field 1', pkg('', { head: MTI }), '1', 'field 1 (the bitmap) is not defined'],
    ['a field 1 that is no bitmap', pkg('', { head: `${MTI}<isofield id="1" length="16" class="org.jpos.iso.IFA_NUMERIC"/>` }), '1', 'class IFA_NUMERIC is not a bitmap class'],
    ['a 12-byte bitmap', pkg('', { head: `${MTI}<isofield id="1" length="12" class="org.jpos.iso.IFB_BITMAP"/>` }), '1', 'the bitmap is 8, 16 or 24 bytes'],
    ['a field beyond an 8-byte bitmap', pkg('<isofield id="70" length="3" class="org.jpos.iso.IFA_NUMERIC"/>', { head: `${MTI}<isofield id="1" length="8" class="org.jpos.iso.IFB_BITMAP"/>` }), '70', 'field 70 is beyond what a 8-byte bitmap announces'],
    ['field 65 beside a tertiary bitmap', pkg('<isofield id="65" length="8" class="org.jpos.iso.IFB_BINARY"/>', { head: `${MTI}<isofield id="1" length="24" class="org.jpos.iso.IFB_BITMAP"/>` }), '65', 'bit 65 announces the tertiary bitmap'],
    ['a field above maxValidField', pkg('<isofield id="70" length="3" class="org.jpos.iso.IFA_NUMERIC"/>', { attrs: ' maxValidField="64"' }), '70', 'above maxValidField 64'],
    ['a duplicate id', pkg('<isofield id="2" length="9" class="org.jpos.iso.IF_CHAR"/><isofield id="2" length="9" class="org.jpos.iso.IF_CHAR"/>'), '2', 'id 2 is defined twice'],
    ['a missing length', pkg('<isofield id="2" class="org.jpos.iso.IF_CHAR"/>'), '2', 'needs a length attribute'],
    ['a missing class', pkg('<isofield id="2" length="9"/>'), '2', 'needs a class attribute'],
    ['a pad that is neither true nor false', pkg('<isofield id="2" length="9" pad="yes" class="org.jpos.iso.IFB_NUMERIC"/>'), '2', 'pad must be true or false'],
    ['an attribute GenericPackager does not take', pkg('<isofield id="2" length="9" token="x" class="org.jpos.iso.IF_CHAR"/>'), '2', '<isofield> has no attribute token'],
    ['a length the prefix cannot carry', pkg('<isofield id="2" length="150" class="org.jpos.iso.IFB_LLNUM"/>'), '2', 'maximum length 150 does not fit a 2-digit prefix'],
  ])('refuses %s', (_what, xml, field, text) => {
    const e = refusal(xml);
    expect(e.code).toBe('INVALID_SPEC');
    expect(e.field).toBe(field);
    expect(e.message).toContain(text);
  });

  it.each([
    ['a root that is not isopackager', '<packager/>', 'the root element must be <isopackager>'],
    ['an element that is not a packager element', pkg('<field id="2"/>'), '<field> is not a packager element'],
    ['an id that is not a number', pkg('<isofield id="two" length="9" class="org.jpos.iso.IF_CHAR"/>'), 'id must be a whole number'],
    ['emitBitmap="false" on the message', pkg('', { attrs: ' emitBitmap="false"' }), 'a message without a bitmap cannot be mapped'],
    ['bitmapField other than 1 on the message', pkg('', { attrs: ' bitmapField="2"' }), 'bitmapField must be 1'],
    ['firstField other than 2 on the message', pkg('', { attrs: ' firstField="1"' }), 'firstField must be 2'],
    ['an attribute isopackager does not take', pkg('', { attrs: ' version="2"' }), '<isopackager> has no attribute version'],
  ])('refuses %s, with the line and column', (_what, xml, text) => {
    const e = refusal(xml);
    expect(e.code).toBe('INVALID_SPEC');
    expect(e.message).toMatch(/jPOS packager, line 1, column \d+: /);
    expect(e.message).toContain(text);
  });

  it.each([
    ['a packager class other than GenericSubFieldPackager', pkg('<isofieldpackager id="48" length="999" class="org.jpos.iso.IFA_LLLCHAR" packager="org.jpos.iso.packager.Base1SubFieldPackager"><isofield id="1" length="2" class="org.jpos.iso.IF_CHAR"/></isofieldpackager>'), '48', 'packager org.jpos.iso.packager.Base1SubFieldPackager cannot be mapped'],
    ['a sub-packager without a packager', pkg('<isofieldpackager id="48" length="999" class="org.jpos.iso.IFA_LLLCHAR"><isofield id="1" length="2" class="org.jpos.iso.IF_CHAR"/></isofieldpackager>'), '48', 'needs a packager attribute'],
    ['a bitmapped sub-packager without its bitmap', sub('', '<isofield id="2" length="2" class="org.jpos.iso.IF_CHAR"/>'), '48', 'subfield 1 (bitmapField) is not defined'],
    ['a sub-bitmap of a class that is no bitmap', sub('', '<isofield id="1" length="8" class="org.jpos.iso.IF_CHAR"/><isofield id="2" length="2" class="org.jpos.iso.IF_CHAR"/>'), '48.1', 'class IF_CHAR is not a bitmap class'],
    ['a 24-byte sub-bitmap', sub('', '<isofield id="1" length="24" class="org.jpos.iso.IFB_BITMAP"/><isofield id="2" length="2" class="org.jpos.iso.IF_CHAR"/>'), '48.1', 'a sub-bitmap is 8 bytes, or 16'],
    ['a subfield 1 beside a 16-byte sub-bitmap', sub(' bitmapField="0"', '<isofield id="0" length="16" class="org.jpos.iso.IFB_BITMAP"/><isofield id="1" length="2" class="org.jpos.iso.IF_CHAR"/>'), '48.1', 'bit 1 announces the second sub-bitmap'],
    ['a subfield beyond an 8-byte sub-bitmap', sub('', '<isofield id="1" length="8" class="org.jpos.iso.IFB_BITMAP"/><isofield id="65" length="2" class="org.jpos.iso.IF_CHAR"/>'), '48.65', 'beyond what a 8-byte sub-bitmap announces'],
    ['a second bitmap class among the subfields', sub('', '<isofield id="1" length="8" class="org.jpos.iso.IFB_BITMAP"/><isofield id="2" length="8" class="org.jpos.iso.IFB_BITMAP"/>'), '48.2', 'class IFB_BITMAP is a bitmap'],
    ['a positional subfield jPOS never packs (below firstField)', sub(' emitBitmap="false"', '<isofield id="0" length="2" class="org.jpos.iso.IF_CHAR"/><isofield id="1" length="2" class="org.jpos.iso.IF_CHAR"/>'), '48.0', 'subfield 0 comes before firstField 1'],
    ['a positional subfield 0', sub(' emitBitmap="false" firstField="0"', '<isofield id="0" length="2" class="org.jpos.iso.IF_CHAR"/>'), '48.0', 'subfields are numbered from 1 here'],
    ['a subfield above maxValidField', sub(' emitBitmap="false" maxValidField="2"', '<isofield id="1" length="2" class="org.jpos.iso.IF_CHAR"/><isofield id="3" length="2" class="org.jpos.iso.IF_CHAR"/>'), '48.3', 'above maxValidField 2'],
    ['a sub-packager without subfields', sub(' emitBitmap="false"', ''), '48', 'defines no subfields'],
    ['bitmapField on a positional sub-packager', sub(' emitBitmap="false" bitmapField="1"', '<isofield id="1" length="2" class="org.jpos.iso.IF_CHAR"/>'), '48', 'bitmapField is given but emitBitmap is false'],
    ['a bitmap class carrying subfields', sub(' emitBitmap="false"', '<isofield id="1" length="2" class="org.jpos.iso.IF_CHAR"/>', 'IFB_BITMAP'), '48', 'class IFB_BITMAP is a bitmap and cannot carry subfields'],
    ['IFB_AMOUNT carrying subfields', sub(' emitBitmap="false"', '<isofield id="1" length="2" class="org.jpos.iso.IF_CHAR"/>', 'IFB_AMOUNT'), '48', 'class IFB_AMOUNT has a structure of its own'],
    ['fixed subfields that do not fill their fixed field', sub(' emitBitmap="false"', '<isofield id="1" length="2" class="org.jpos.iso.IF_CHAR"/>', 'IF_CHAR'), '48', 'fixed subfields take 2 bytes but the field holds 999'],
  ])('refuses %s', (_what, xml, field, text) => {
    const e = refusal(xml);
    expect(e.code).toBe('INVALID_SPEC');
    expect(e.field).toBe(field);
    expect(e.message).toContain(text);
  });

  it('refuses sub-packagers nested deeper than the subfields of a spec may be', () => {
    const level = (inner: string) => `<isofieldpackager id="1" length="999" class="org.jpos.iso.IFB_LLLBINARY" packager="org.jpos.iso.packager.GenericSubFieldPackager" emitBitmap="false">${inner}</isofieldpackager>`;
    const leaf = '<isofield id="1" length="2" class="org.jpos.iso.IF_CHAR"/>';
    const nested = (depth: number) => sub(' emitBitmap="false"', Array.from({ length: depth }).reduce<string>((inner) => level(inner), leaf), 'IFB_LLLBINARY');
    expect(() => importJposPackager(nested(3))).not.toThrow();
    const e = refusal(nested(4));
    expect([e.code, e.field]).toEqual(['INVALID_SPEC', '48.1.1.1.1']);
    expect(e.message).toContain('sub-packagers nest deeper than');
  });

  it('refuses arguments that are not a packager text or options', () => {
    expect(catchIso(() => importJposPackager(42 as unknown as string)).code).toBe('INVALID_OPTION');
    expect(catchIso(() => importJposPackager(pkg(''), { nmae: 'x' } as never)).code).toBe('INVALID_OPTION');
    expect(catchIso(() => importJposPackager(pkg(''), { name: '' })).code).toBe('INVALID_OPTION');
  });
});

describe('the XML reader behind importJposPackager', () => {
  const at = (xml: string) => /line (\d+), column (\d+): (.*)$/.exec(refusal(xml).message)!.slice(1);

  it('skips the XML declaration, comments, processing instructions and the DOCTYPE, and reads CR LF line breaks', () => {
    const xml = `\uFEFF<?xml version="1.0"?>\r\n<!-- a -->\r\n<!DOCTYPE isopackager [ <!ENTITY x "]>"> ]>\r\n<?pi here?>\r\n${pkg('<!-- inside --><isofield id="2" length="9"\r\n  class="org.jpos.iso.IF_CHAR"/>')}\r\n<!-- after -->\r\n`;
    expect(importJposPackager(xml).fields[2]).toEqual({ kind: 'ans', length: 9, encoding: 'ascii', pad: { side: 'right', char: ' ' } });
    expect(at(`<?xml version="1.0"?>\r\n\r\n  <isopackager><x/></isopackager>`)).toEqual(['3', '16', '<x> is not a packager element (isofield, isofieldpackager)']);
  });

  it.each([
    ['an unclosed start tag', '<isopackager', ['1', '1'], 'start tag of <isopackager> is not closed'],
    ['an unclosed element', '<isopackager>\n  <isofield id="2"/>\n', ['1', '1'], 'element <isopackager> is not closed'],
    ['a closing tag that does not match', '<isopackager>\n</isofield>', ['2', '1'], 'closing tag </isofield> does not match <isopackager> (line 1, column 1)'],
    ['an unknown entity', '<isopackager>\n  <isofield name="&nbsp;"/></isopackager>', ['2', '19'], 'unknown entity'],
    ['a bare ampersand', '<isopackager a="x & y"/>', ['1', '19'], '"&" must start an entity reference'],
    ['a character reference XML does not allow', '<isopackager a="&#0;"/>', ['1', '17'], 'character reference to a character XML does not allow'],
    ['text inside an element', '<isopackager>\n  hello</isopackager>', ['2', '3'], 'text inside <isopackager>'],
    ['a CDATA section', '<isopackager><![CDATA[x]]></isopackager>', ['1', '14'], 'CDATA sections are not part of a packager file'],
    ['a duplicate attribute', '<isopackager a="1" a="2"/>', ['1', '20'], 'attribute a appears twice'],
    ['an unquoted attribute value', '<isopackager a=1/>', ['1', '16'], 'attribute value must be quoted'],
    ['a < inside an attribute value', '<isopackager a="<"/>', ['1', '17'], '"<" is not allowed in an attribute value'],
    ['an attribute without =', '<isopackager a "1"/>', ['1', '16'], 'expected "=" after attribute a'],
    ['attributes without white space between them', '<isopackager a="1"b="2"/>', ['1', '19'], 'expected white space'],
    ['an unclosed attribute value', '<isopackager a="1/>', ['1', '16'], 'attribute value is not closed'],
    ['a second root element', '<isopackager/>\n<isopackager/>', ['2', '1'], 'a document has one root element'],
    ['text after the root element', '<isopackager/> x', ['1', '16'], 'text after the root element'],
    ['no root element at all', '<!-- nothing -->', ['1', '17'], 'the document has no root element'],
    ['a comment holding --', '<!-- a -- b --><isopackager/>', ['1', '8'], '"--" is not allowed inside a comment'],
    ['an unclosed comment', '<!-- a', ['1', '1'], 'comment is not closed'],
    ['an unclosed processing instruction', '<?pi', ['1', '1'], 'processing instruction is not closed'],
    ['an unclosed DOCTYPE', '<!DOCTYPE isopackager [', ['1', '1'], 'DOCTYPE is not closed'],
    ['a DOCTYPE after the root', '<isopackager/><!DOCTYPE isopackager>', ['1', '15'], 'a DOCTYPE may only come once'],
    ['elements nested past 64 levels', `<isopackager>${'<a>'.repeat(64)}`, ['1', '203'], 'elements nest deeper than 64 levels'],
    ['a stray < inside an element', '<isopackager>< /isopackager>', ['1', '14'], 'expected an element, a comment or a closing tag'],
  ])('refuses %s with its line and column', (_what, xml, position, text) => {
    const [line, column, detail] = at(xml);
    expect([line, column]).toEqual(position);
    expect(detail).toContain(text);
    expect(refusal(xml).code).toBe('INVALID_SPEC');
  });

  it('never quotes a name from the file that could be card data', () => {
    const e = refusal('<isopackager><x4111111111111111/></isopackager>');
    expect(e.message).not.toContain('4111111111111111');
    expect(e.message).toContain('(a name not shown)');
    const c = refusal(pkg('<isofield id="2" length="9" class="org.jpos.iso.IF4111111111111111"/>'));
    expect(c.message).not.toContain('4111111111111111');
  });
});
