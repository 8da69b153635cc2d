import type fc from 'fast-check';
import { invalidOption } from '../errors/arguments.js';
import type { Infer } from '../spec/infer.js';
import type { MessageSpec } from '../spec/types.js';
import { validateSpec } from '../spec/validate-spec.js';
import { type ArbitraryMessageOptions, arbitraryMessage, readMessageOptions } from './messages.js';


/**
 * An Arbitrary of encoded frames of valid messages for a spec.
 *
 * Why: the input side of a decoder or a network handler; mutate these frames to fuzz error paths.
 *
 * @example
 * ```ts
 * fc.assert(fc.property(arbitraryFrame(spec, codec.encode), (frame) => { codec.decode(frame); }));
 * ```
 */
export function arbitraryFrame<const S extends MessageSpec>(
  spec: S,
  encode: (message: Infer<S>) => Uint8Array,
  options: ArbitraryMessageOptions = {},
): fc.Arbitrary<Uint8Array> {
  if (typeof encode !== 'function') throw invalidOption('arbitraryFrame', 'encode', 'a function (e.g. codec.encode)', encode);
  validateSpec(spec);
  return arbitraryMessage(spec, readMessageOptions('arbitraryFrame', spec, options)).map((m) => encode(m));
}
