import { invalidOption, readOptions } from '../errors/arguments.js';
import type { DecodeOptions } from './codec-types.js';

/**
 * Whether `decode`'s options ask for the rules check; reads them once and throws `INVALID_OPTION` for an unknown
 * option or a `rules` that is not a boolean.
 *
 * Why: the options are the caller's object (it may hold getters); reading each one once keeps decode's answer the
 * same as what it checked.
 */
export function wantsRules(options: DecodeOptions | undefined): boolean {
  if (options === undefined) return false;
  const check: unknown = readOptions('decode', options, ['rules']).rules;
  if (check !== undefined && typeof check !== 'boolean') throw invalidOption('decode', 'options.rules', 'a boolean', check);
  return check === true;
}
