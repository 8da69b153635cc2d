import { singleByteTextConverter } from './text.js';

const identity = new Uint16Array(256);
for (let b = 0; b < 256; b++) identity[b] = b;
/** ASCII is 7-bit: bytes 0x80–0xFF are not ASCII and are rejected both ways. */
const sevenBit = new Uint8Array(256);
for (let c = 0; c < 128; c++) sevenBit[c] = 1;

/**
 * The ASCII text converter: one byte per character, 0x00–0x7F only.
 *
 * Why: the most common text encoding of ISO 8583 fields and length prefixes.
 */
export const asciiConverter = singleByteTextConverter('ascii', identity, sevenBit);
