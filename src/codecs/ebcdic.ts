import { CP037_HEX, CP1047_HEX, CP500_HEX } from './ebcdic-tables.js';
import { singleByteTextConverter } from './text.js';

function parseTable(hex: string): Uint16Array {
  const t = new Uint16Array(256);
  for (let b = 0; b < 256; b++) t[b] = parseInt(hex.slice(b * 2, b * 2 + 2), 16);
  return t;
}
const all = new Uint8Array(256).fill(1);

/**
 * EBCDIC code page 037 (US/Canada), the usual code page of mainframe-hosted ISO 8583 links.
 *
 * Why: hosts on IBM systems send text and length prefixes in EBCDIC; every byte maps to one Latin-1 character.
 */
export const ebcdic037Converter = singleByteTextConverter('ebcdic037', parseTable(CP037_HEX), all);
/** EBCDIC code page 500 (International Latin-1); differs from 037 in a handful of punctuation positions. */
export const ebcdic500Converter = singleByteTextConverter('ebcdic500', parseTable(CP500_HEX), all);
/** EBCDIC code page 1047 (Latin-1 open systems); differs from 037 in brackets, caret and not-sign. */
export const ebcdic1047Converter = singleByteTextConverter('ebcdic1047', parseTable(CP1047_HEX), all);

