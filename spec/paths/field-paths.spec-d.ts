import { describe, expectTypeOf, it } from 'vitest';
import {
  type BerTlv,
  fieldPaths,
  type FieldValue,
  type Infer,
  type Message,
  type MessageSpec,
  type PathOf,
  type PathTarget,
  type PathTargetOf,
  presets,
  type Track2,
  type ValueAt,
} from '../../src/index.js';
import { nestedSpec, pathSpec, strictTagSpec } from './path-specs.js';

type M = Infer<typeof pathSpec>;
declare const m: M;
const paths = fieldPaths(pathSpec);

describe('fieldPaths types a literal path by the spec', () => {
  it('gives each data element the type Infer gives it', () => {
    expectTypeOf(paths.get(m, '2')).toEqualTypeOf<string | undefined>();
    expectTypeOf(paths.get(m, '52')).toEqualTypeOf<Uint8Array | undefined>();
    expectTypeOf(paths.get(m, '35')).toEqualTypeOf<Track2 | undefined>();
    expectTypeOf(paths.get(m, '55')).toEqualTypeOf<BerTlv[] | undefined>();
  });

  it('types positional and bitmapped subfields by their specs, nested ones too', () => {
    expectTypeOf(paths.get(m, '3')).toEqualTypeOf<{ 1: string; 2: string; 3: string } | undefined>();
    expectTypeOf(paths.get(m, '3.1')).toEqualTypeOf<string | undefined>();
    expectTypeOf(paths.get(m, '127.2')).toEqualTypeOf<string | undefined>();
    expectTypeOf(paths.get(m, '127.4')).toEqualTypeOf<Uint8Array | undefined>();
    expectTypeOf(paths.get(m, '127.3.1')).toEqualTypeOf<string | undefined>();
  });

  it('types a TLV tag by its spec when the layout lists it, as text otherwise', () => {
    expectTypeOf(paths.get(m, '48.BB')).toEqualTypeOf<string | undefined>();
    expectTypeOf(paths.get(m, '48.ZZ')).toEqualTypeOf<string | undefined>();
  });

  it('types a BER-TLV tag as bytes when primitive and as children when constructed (bit 6 of its first byte)', () => {
    expectTypeOf(paths.get(m, '55.9F26')).toEqualTypeOf<Uint8Array | undefined>();
    expectTypeOf(paths.get(m, '55.5F2A')).toEqualTypeOf<Uint8Array | undefined>();
    expectTypeOf(paths.get(m, '55.70')).toEqualTypeOf<BerTlv[] | undefined>();
    expectTypeOf(paths.get(m, '55.BF0C')).toEqualTypeOf<BerTlv[] | undefined>();
    expectTypeOf(paths.get(m, '55.70.57')).toEqualTypeOf<Uint8Array | undefined>();
    expectTypeOf(paths.get(m, '55.71.9F18')).toEqualTypeOf<Uint8Array | undefined>();
  });

  it('types Track 2 parts as text', () => {
    expectTypeOf(paths.get(m, '35.pan')).toEqualTypeOf<string | undefined>();
    expectTypeOf(paths.get(m, '35.discretionary')).toEqualTypeOf<string | undefined>();
  });

  it('asks set for the value type of the path and returns the message type', () => {
    expectTypeOf(paths.set(m, '55.9F26', new Uint8Array(8))).toEqualTypeOf<M>();
    expectTypeOf(paths.set(m, '3', { 1: '00', 2: '00', 3: '00' })).toEqualTypeOf<M>();
    // @ts-expect-error a primitive BER-TLV tag holds bytes
    paths.set(m, '55.9F26', 'AB');
    // @ts-expect-error a constructed tag holds its children
    paths.set(m, '55.70', new Uint8Array(2));
    // @ts-expect-error a positional field is set whole: every subfield
    paths.set(m, '3', { 1: '00' });
    // @ts-expect-error DE127.4 is binary
    paths.set(m, '127.4', 'text');
  });

  it('gives has a boolean', () => {
    expectTypeOf(paths.has(m, '127.3')).toEqualTypeOf<boolean>();
  });
});

describe('fieldPaths refuses a literal path the spec lacks, at compile time', () => {
  it('refuses unknown fields, subfields, tags and parts', () => {
    // @ts-expect-error DE1 is the bitmap, no data element
    paths.get(m, '1');
    // @ts-expect-error field numbers are spelled without leading zeros
    paths.get(m, '02');
    // @ts-expect-error DE127 defines subfields 2, 3 and 4
    paths.get(m, '127.5');
    // @ts-expect-error DE127.3 has subfields 1 and 2
    paths.get(m, '127.3.3');
    // @ts-expect-error DE2 has no parts
    paths.has(m, '2.1');
    // @ts-expect-error DE48's tags are 2 characters
    paths.get(m, '48.ABC');
    // @ts-expect-error BER-TLV tags are uppercase hex, whole bytes
    paths.get(m, '55.9f26');
    // @ts-expect-error BER-TLV tags are whole bytes
    paths.get(m, '55.9F2');
    // @ts-expect-error a primitive tag has no children
    paths.get(m, '55.9F26.01');
    // @ts-expect-error Track 2 has pan, expiry, serviceCode and discretionary
    paths.get(m, '35.cvv');
  });

  it('refuses, in remove, the required parts of positional fields and Track 2', () => {
    // @ts-expect-error a positional subfield is required
    paths.remove(m, '3.1');
    // @ts-expect-error a Track 2 part is required
    paths.remove(m, '35.pan');
    // @ts-expect-error DE127.3 is positional: its subfields are required
    paths.remove(m, '127.3.1');
    expectTypeOf(paths.remove(m, '127.3')).toEqualTypeOf<M>();
    expectTypeOf(paths.remove(m, '35')).toEqualTypeOf<M>();
    expectTypeOf(paths.remove(m, '55.70.57')).toEqualTypeOf<M>();
  });

  it('takes only the listed tags of a layout that rejects unknown ones', () => {
    const strict = fieldPaths(strictTagSpec);
    const s = {} as Infer<typeof strictTagSpec>;
    expectTypeOf(strict.get(s, '48.AA')).toEqualTypeOf<string | undefined>();
    expectTypeOf(strict.get(s, '55.70.57')).toEqualTypeOf<Uint8Array | undefined>();
    // @ts-expect-error DE48 rejects tags it does not list
    strict.get(s, '48.AB');
    // @ts-expect-error DE55 rejects tags it does not list
    strict.get(s, '55.9F02');
  });

  it('types a bitmapped subfield of a positional one as optional', () => {
    const nested = fieldPaths(nestedSpec);
    const s = {} as Infer<typeof nestedSpec>;
    expectTypeOf(nested.get(s, '60.2.1')).toEqualTypeOf<string | undefined>();
    expectTypeOf(nested.remove(s, '60.2.1')).toEqualTypeOf<Infer<typeof nestedSpec>>();
    // @ts-expect-error 60.2 is a positional subfield: required
    nested.remove(s, '60.2');
  });
});

describe('fieldPaths takes a path computed at run time with a wider type', () => {
  it('gives FieldValue for a string path', () => {
    const path: string = ['55', '9F26'].join('.');
    expectTypeOf(paths.get(m, path)).toEqualTypeOf<FieldValue | undefined>();
    expectTypeOf<ValueAt<typeof pathSpec, string>>().toEqualTypeOf<FieldValue>();
    paths.set(m, path, 'anything the codec will check');
    paths.remove(m, path);
  });

  it('leaves a spec typed as plain MessageSpec to the run-time check, with messages of the dynamic shape', () => {
    const loose = fieldPaths(presets.iso87ascii as MessageSpec);
    const message: Message = { mti: '0100', fields: {} };
    // On a plain MessageSpec, 55.9F26 may be a TLV tag (text, or bytes for kind b) or a primitive BER-TLV tag (bytes).
    expectTypeOf(loose.get(message, '55.9F26')).toEqualTypeOf<string | Uint8Array | undefined>();
    expectTypeOf(loose.get(message, '127.3')).toEqualTypeOf<FieldValue | undefined>();
    expectTypeOf(loose.set(message, '35.pan', '4111')).toEqualTypeOf<Infer<MessageSpec>>();
    loose.remove(message, '35.pan');
  });

  it('spells out what a path leads to', () => {
    expectTypeOf<PathTargetOf<typeof pathSpec, '35.pan'>>().toEqualTypeOf<PathTarget<string, false>>();
    expectTypeOf<PathTargetOf<typeof pathSpec, '55.9F26'>>().toEqualTypeOf<PathTarget<Uint8Array, true>>();
    expectTypeOf<PathTargetOf<typeof pathSpec, '55.ZZ'>>().toEqualTypeOf<never>();
  });
});

describe('PathOf names the paths of a spec', () => {
  type P = PathOf<typeof pathSpec>;
  it('holds the fields, their subfields and parts, and the open tag spaces', () => {
    expectTypeOf<'2' | '3.1' | '127.3.1' | '127.4' | '35.pan' | '48.BB' | '55.9F26' | '55.70.57'>().toExtend<P>();
    expectTypeOf<'127.5'>().not.toExtend<P>();
    expectTypeOf<'3.4'>().not.toExtend<P>();
    expectTypeOf<'35.cvv'>().not.toExtend<P>();
    expectTypeOf<'1'>().not.toExtend<P>();
  });
});
