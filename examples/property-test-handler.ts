/**
 * Property-tests a request handler with arbitraries derived from the spec: whatever valid 0100 arrives, the
 * handler answers with an 0110 that encodes, echoes the STAN and carries a two-character response code.
 * Run: npx tsx examples/property-test-handler.ts
 */
import fc from 'fast-check';
import { createCodec, type Infer, presets, responseMti } from '../src/index.js';
import { arbitraryMessage } from '../src/testing/index.js';

type Ascii87 = Infer<typeof presets.iso87ascii>;
const codec = createCodec(presets.iso87ascii);

/** The handler under test: approves amounts up to 1,000.00 and declines the rest. */
function handle(request: Ascii87): Ascii87 {
  const amount = BigInt(request.fields[4] ?? '0');
  return {
    mti: responseMti(request.mti),
    fields: { 4: request.fields[4], 11: request.fields[11], 39: amount <= 100000n ? '00' : '51', 41: request.fields[41] },
  };
}

fc.assert(
  fc.property(arbitraryMessage(presets.iso87ascii, { mti: '0100', fields: [4, 11, 41], only: [2, 3, 7, 14, 22, 35, 43, 49, 55] }), (request) => {
    const response = handle(codec.decode(codec.encode(request)));
    const back = codec.decode(codec.encode(response));
    return back.mti === '0110' && back.fields[11] === request.fields[11] && /^\d\d$/.test(back.fields[39] ?? '');
  }),
  { numRuns: 500 },
);
console.log('the handler answers every valid 0100 correctly (500 generated requests)');
