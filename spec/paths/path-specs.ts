import { defineSpec, presets, structuredPreset, withSubfields } from '../../src/index.js';

/** Every layout the library has, on one spec: 3 positional, 35 Track 2, 48 TLV, 55 BER-TLV, 127 bitmapped with 127.3 positional. */
export const pathSpec = withSubfields(
  structuredPreset(presets.iso87ascii, {
    de48: { type: 'tlv', tagLength: 2, lengthDigits: 3, encoding: 'ascii', tags: { BB: { kind: 'n', length: 6, encoding: 'ascii' } } },
    de127: {
      2: { kind: 'ans', length: 99, prefix: 'LL/ascii', encoding: 'ascii' },
      3: {
        kind: 'ans', length: 12, encoding: 'ascii',
        subfields: { type: 'positional', fields: { 1: { kind: 'n', length: 4, encoding: 'ascii' }, 2: { kind: 'an', length: 8, encoding: 'ascii' } } },
      },
      4: { kind: 'b', length: 4, encoding: 'binary' },
    },
  }),
  {
    3: {
      type: 'positional',
      fields: { 1: { kind: 'n', length: 2, encoding: 'ascii' }, 2: { kind: 'n', length: 2, encoding: 'ascii' }, 3: { kind: 'n', length: 2, encoding: 'ascii' } },
    },
  },
);

/** Layouts that reject unknown tags: only the tags they list are paths. */
export const strictTagSpec = defineSpec({
  name: 'strict-tags',
  mti: { encoding: 'ascii' },
  bitmap: { format: 'binary' },
  fields: {
    11: { kind: 'n', length: 6, encoding: 'ascii' },
    48: {
      kind: 'ans', length: 999, prefix: 'LLL/ascii', encoding: 'ascii',
      subfields: { type: 'tlv', tagLength: 2, lengthDigits: 2, encoding: 'ascii', unknownTags: 'reject', tags: { AA: { kind: 'an', length: 9, encoding: 'ascii' } } },
    },
    55: {
      kind: 'b', length: 255, prefix: 'LLL/ascii', encoding: 'binary',
      subfields: { type: 'ber-tlv', unknownTags: 'reject', tags: { '9F26': { sensitive: true }, '70': {}, '57': { sensitive: true } } },
    },
  },
});

/** A positional field whose second subfield is bitmapped: an emptied 60.2 is still a required part of DE60. */
export const nestedSpec = defineSpec({
  name: 'nested',
  mti: { encoding: 'ascii' },
  bitmap: { format: 'binary' },
  fields: {
    60: {
      kind: 'ans', length: 99, prefix: 'LL/ascii', encoding: 'ascii',
      subfields: {
        type: 'positional',
        fields: {
          1: { kind: 'n', length: 2, encoding: 'ascii' },
          2: {
            kind: 'b', length: 20, prefix: 'LL/ascii', encoding: 'binary',
            subfields: { type: 'bitmapped', bitmap: { format: 'binary' }, fields: { 1: { kind: 'an', length: 2, encoding: 'ascii' } } },
          },
        },
      },
    },
  },
});
