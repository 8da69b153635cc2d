import type fc from 'fast-check';
import { ErrorCode } from '../errors/codes.js';
import { guard, unreadable } from '../errors/guard.js';
import type { InferField } from '../spec/infer.js';
import type { FieldSpec, FieldValue } from '../spec/types.js';
import { validateFieldSpec } from '../spec/validate-spec.js';
import { fieldShape } from './field-shape.js';
import { alphabetOf, noValueFits, scalarArbitrary, sizeArbitrary } from './scalar-shape.js';


/**
 * Characters (as one-char strings) a field may hold: its kind's alphabet that its converter can also carry.
 *
 * Why: generators and editors offer exactly the characters the codec accepts for the field, no more.
 *
 * @example
 * ```ts
 * fieldAlphabet(presets.iso87ascii.fields[4]).join(''); // '0123456789'
 * ```
 */
export function fieldAlphabet(field: FieldSpec): string[] {
  return guard(ErrorCode.INVALID_SPEC, unreadable('the field spec'), () => {
    validateFieldSpec(field, 'field');
    return alphabetOf(field);
  });
}

/**
 * An Arbitrary of valid values for one field, typed as the field infers (`string`, `Uint8Array` or a structure): strings over exactly the characters the kind allows and the
 * converter can carry, `Uint8Array` for kind `b`; exactly the fixed length for fixed fields, 0 to the maximum
 * (biased short) for variable ones.
 *
 * Why: the building block of {@link arbitraryMessage}, also handy on its own for testing a single element.
 *
 * @example
 * ```ts
 * fc.assert(fc.property(arbitraryFieldValue(presets.iso87ascii.fields[2]), (pan) => pan.length <= 19));
 * ```
 */
export function arbitraryFieldValue<F extends FieldSpec>(field: F): fc.Arbitrary<InferField<F>> {
  return guard(ErrorCode.INVALID_SPEC, unreadable('the field spec'), () => {
    validateFieldSpec(field, 'field');
    // The values are generated from this very field, so they have the type its spec infers to.
    return fieldValues(field, 'field') as fc.Arbitrary<InferField<F>>;
  });
}

/**
 * Valid values of a validated field: scalars directly, values with subfields through a wire size the field can
 * hold (valid by construction, none filtered); throws INVALID_SPEC at `path` when no value fits the field at all.
 */
export function fieldValues(field: FieldSpec, path: string): fc.Arbitrary<FieldValue> {
  if (field.subfields === undefined) return scalarArbitrary(field);
  const shape = fieldShape(field);
  if (shape.sizes.length === 0) throw noValueFits(path);
  return sizeArbitrary(shape.sizes).chain((bytes) => shape.ofSize(bytes));
}
