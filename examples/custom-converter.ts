/**
 * Registers a converter for a network that sends text as ISO-8859-1 (Latin-1) instead of 7-bit ASCII.
 * Run: npx tsx examples/custom-converter.ts
 */
import { type Converter, createCodec, defineSpec, Iso8583Error, registerConverter } from '../src/index.js';

const printable = new Uint8Array(256);
for (let c = 0x20; c < 0x100; c++) printable[c] = c < 0x7f || c >= 0xa0 ? 1 : 0;

/** Latin-1: one byte per character, every char code 0x20–0x7E and 0xA0–0xFF. */
const latin1: Converter = {
  name: 'latin1',
  valueType: 'string',
  unit: 'chars',
  lengthUnits: ['chars', 'bytes'],
  charset: printable,
  byteLength: (units) => units,
  decode(src, offset, units, ctx) {
    let s = '';
    for (let i = offset; i < offset + units; i++) {
      const c = src[i]!;
      if (printable[c] !== 1 || (ctx.alphabet !== undefined && ctx.alphabet[c] !== 1)) {
        throw new Iso8583Error('INVALID_CHARACTER', 'not a printable Latin-1 character allowed here', { offset: i });
      }
      s += String.fromCharCode(c);
    }
    return s;
  },
  encode(value, dst, offset, ctx) {
    const s = value as string;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c > 0xff || printable[c] !== 1 || (ctx.alphabet !== undefined && ctx.alphabet[c] !== 1)) {
        throw new Iso8583Error('INVALID_CHARACTER', 'character cannot be written in Latin-1', { offset: offset + i });
      }
      dst[offset + i] = c;
    }
  },
};
registerConverter(latin1);
// Declares the name to the types, so a spec may use it (and a misspelt name stays a compile error). In a project
// of your own the module is 'iso8583-codec'.
declare module '../src/index.js' {
  interface ConverterRegistry {
    latin1: 'text';
  }
}

const spec = defineSpec({
  name: 'latin1-network',
  mti: { encoding: 'ascii' },
  bitmap: { format: 'binary' },
  fields: {
    11: { kind: 'n', length: 6, encoding: 'ascii' },
    43: { kind: 'ans', length: 40, encoding: 'latin1', pad: { side: 'right', char: ' ' } },
  },
});
const codec = createCodec(spec);
const bytes = codec.encode({ mti: '0100', fields: { 11: '000001', 43: 'Café Müller, Köln' } });
console.log(`DE43 is ${codec.decode(bytes).fields[43]?.trimEnd()} (${bytes.length} bytes)`);
