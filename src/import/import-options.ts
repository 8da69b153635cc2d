import { invalidOption, readOptions } from '../errors/arguments.js';

/** The options an importer was given, as {@link readImportOptions} read them. */
export interface ImportOptionsRead {
  /** The `name` option: a non-empty string, or `undefined` when not given (the importer's default applies). */
  readonly name: string | undefined;
  /** Every option as given (the ones besides `name` are the importer's to check). */
  readonly options: Readonly<Record<string, unknown>>;
}

/**
 * Reads the options argument of the importer `where`: `undefined` or an object with no key but `name` and
 * `others`, its `name` (when given) a non-empty string; throws `INVALID_OPTION` otherwise.
 *
 * Why: every importer takes `name` and refuses a misspelt option; one reading keeps their refusals the same words.
 */
export function readImportOptions(where: string, options: unknown, others: readonly string[] = []): ImportOptionsRead {
  const opts = readOptions(where, options, ['name', ...others]);
  const name = opts.name;
  if (name !== undefined && (typeof name !== 'string' || name === '')) throw invalidOption(where, 'name', 'a non-empty string', name);
  return { name: name as string | undefined, options: opts };
}

/**
 * The spec document an importer was given: `json` parsed when it is text, else `json` itself; text that is not
 * JSON goes to `fail` (the importer's own `INVALID_SPEC`), which never returns.
 *
 * Why: the JSON importers take the file's text or what `JSON.parse` made of it, and refuse bad text alike.
 */
export function specDocument(json: unknown, fail: (detail: string) => never): unknown {
  if (typeof json !== 'string') return json;
  try {
    return JSON.parse(json) as unknown;
  } catch {
    return fail('the text is not valid JSON');
  }
}
