/**
 * Decodes the golden authorization request, checks what an issuer checks first, and builds the 0110 answer.
 * Run: npx tsx examples/decode-frame.ts
 */
import { readFileSync } from 'node:fs';
import { createCodec, isIso8583Error, mtiParts, parseHexText, presets, responseMti, toHex } from '../src/index.js';

const codec = createCodec(presets.iso87ascii);
const frame = parseHexText(readFileSync(new URL('../fixtures/ascii-0100-purchase.hex', import.meta.url), 'utf8'));

try {
  const request = codec.decode(frame);
  const { className, functionName } = mtiParts(request.mti);
  const pan = request.fields[2] ?? '';
  console.log(`${request.mti}: ${className} ${functionName}`);
  // Never print a whole PAN: first 6 and last 4 at most.
  console.log(`card ${pan.slice(0, 6)}…${pan.slice(-4)}, amount ${request.fields[4]} in currency ${request.fields[49]}`);
  console.log(`EMV data: ${request.fields[55]?.length ?? 0} bytes`);

  const response = codec.encode({
    mti: responseMti(request.mti),
    fields: {
      2: request.fields[2],
      3: request.fields[3],
      4: request.fields[4],
      7: request.fields[7],
      11: request.fields[11],
      37: request.fields[37],
      38: 'A1B2C3',
      39: '00',
      41: request.fields[41],
      49: request.fields[49],
    },
  });
  console.log(`response ${response.length} bytes: ${toHex(response.subarray(0, 12))}…`);
} catch (e) {
  // Every decode or encode failure is an Iso8583Error with code, field and offset, and never a field value.
  if (isIso8583Error(e)) console.error(`rejected: ${e.code} field ${e.field} offset ${e.offset}`);
  else throw e;
}
