/**
 * fast-check arbitraries derived from a spec, for property-testing code that handles ISO 8583 messages.
 *
 * Why: a handler that only ever saw hand-written frames has not met a 19-digit PAN, an empty LLVAR or a field
 * at its maximum length; arbitraries generated from the same spec the codec runs on reach every corner.
 * `fast-check` is an optional peer dependency: install it to use this subpath.
 *
 * @module iso8583-codec/testing
 */
export { arbitraryFrame } from './frames.js';
export { type ArbitraryMessageOptions, arbitraryMessage } from './messages.js';
export { arbitraryFieldSpec, arbitrarySpec, arbitraryStructuredFieldSpec } from './specs.js';
export { arbitraryFieldValue, fieldAlphabet } from './values.js';
