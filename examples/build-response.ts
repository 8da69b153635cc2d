/**
 * Builds the 0110 answer to an 0100 request: echo what the acquirer matches on, add the decision.
 * Run: npx tsx examples/build-response.ts
 */
import { createCodec, describe, type Infer, presets, responseMti } from '../src/index.js';

type Ascii87 = Infer<typeof presets.iso87ascii>;
const codec = createCodec(presets.iso87ascii);

/** The elements an acquirer expects back unchanged, so it can pair the answer with its request. */
const ECHOED = [2, 3, 4, 7, 11, 12, 13, 32, 37, 41, 42, 49] as const;

function answer(request: Ascii87, approved: boolean): Ascii87 {
  const fields: Ascii87['fields'] = {};
  for (const n of ECHOED) if (request.fields[n] !== undefined) fields[n] = request.fields[n];
  fields[39] = approved ? '00' : '51';
  if (approved) fields[38] = 'A1B2C3';
  return { mti: responseMti(request.mti), fields };
}

const request = codec.decode(
  codec.encode({
    mti: '0100',
    fields: { 2: '4111111111111111', 3: '000000', 4: '000000002500', 7: '1124103015', 11: '000777', 41: 'TERM0042', 49: '978' },
  }),
);
const reply = answer(request, true);
const bytes = codec.encode(reply);
console.log(`answered ${request.mti} with ${reply.mti}, ${bytes.length} bytes`);
console.log(describe(codec.decode(bytes), presets.iso87ascii));
