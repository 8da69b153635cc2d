/**
 * Valid values of any field, built from its spec: scalars of an allowed length over the allowed characters, and
 * values with subfields assembled to a wire size the field can hold.
 *
 * Why: the arbitraries must only ever produce values the spec allows, without asking the codec under test (an
 * encoder that wrongly refused valid values would otherwise have them filtered away, and one that refused all of
 * them would make generation spin). Every value here is valid by construction: each field knows the set of wire
 * sizes it can take ({@link Shape}), a container picks a content size its length rule allows, then builds
 * subfields of exactly that size.
 */
import { getConverter } from '../codecs/registry.js';
import { unitMapping } from '../codecs/units.js';
import { parsePrefix } from '../prefixes/length-prefix.js';
import type { FieldSpec, LengthUnit } from '../spec/types.js';
import { layoutContent } from './layout-content.js';
import { prefixBytesOf, scalarShape, type Shape, track1Shape, track2Shape } from './scalar-shape.js';
import { shift, where } from './sizes.js';

const shapes = new WeakMap<FieldSpec, Shape>();

/** The {@link Shape} of any field (computed once per field object). The field must have passed validation. */
export function fieldShape(field: FieldSpec): Shape {
  let shape = shapes.get(field);
  if (shape === undefined) {
    const layout = field.subfields;
    shape =
      layout === undefined
        ? scalarShape(field)
        : layout.type === 'track2'
          ? track2Shape(field)
          : layout.type === 'track1'
            ? track1Shape(field)
            : containerShape(field);
    shapes.set(field, shape);
  }
  return shape;
}

/**
 * A field whose bytes hold subfields: its length rule (fixed, or a prefix with a maximum, counted in the field's
 * unit) decides which content sizes fit; the layout decides which it can fill.
 */
function containerShape(field: FieldSpec): Shape {
  const layout = field.subfields!;
  const converter = getConverter(field.encoding);
  const unit: LengthUnit = field.lengthUnit ?? converter.lengthUnits[0] ?? converter.unit;
  const mapping = unitMapping(converter, unit);
  const prefix = parsePrefix(field.prefix);
  const fixed = prefix === undefined || prefix.type === 'fixed';
  // Content travels as whole bytes; a packed-digit container counts two digits a byte.
  const unitsOf = (bytes: number): number => (converter.unit === 'digits' ? bytes * 2 : bytes);
  const fits = fixed ? (c: number) => unitsOf(c) === mapping.toUnits(field.length) : (c: number) => mapping.toCount(unitsOf(c)) <= field.length;
  // Every length rule counts at least one unit a byte, so no content longer than the maximum fits.
  const cap = field.length;
  const content = layoutContent(layout as Exclude<typeof layout, { type: 'track2' | 'track1' }>, cap, fieldShape);
  const prefixBytes = prefixBytesOf(field);
  const sizes = shift(where(content.sizes, fits), prefixBytes);
  return { sizes, ofSize: (bytes) => content.ofSize(bytes - prefixBytes) };
}
