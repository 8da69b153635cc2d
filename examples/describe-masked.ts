/**
 * Prints a golden frame with describe(): card data masked by default, EMV tags named.
 * Run: npx tsx examples/describe-masked.ts
 */
import { readFileSync } from 'node:fs';
import { createCodec, describe, parseHexText, presets, structuredPreset } from '../src/index.js';

// The structured view of the ASCII preset reads DE35 as Track 2 and DE55 as EMV BER-TLV.
const spec = structuredPreset(presets.iso87ascii);
const frame = parseHexText(readFileSync(new URL('../fixtures/ascii-0100-purchase.hex', import.meta.url), 'utf8'));
console.log(describe(createCodec(spec).decode(frame), spec));
