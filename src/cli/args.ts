/** The options the `iso8583` command knows, by their long name. */
export type OptionName = 'spec' | 'ebcdic' | 'raw' | 'hex' | 'unmask' | 'json' | 'help' | 'version';

/**
 * Parsed command line of the `iso8583` command.
 *
 * Why: a tiny dedicated parser keeps the CLI free of runtime dependencies.
 */
export interface CliArgs {
  /** The sub-command: `decode`, `describe`, `encode`, `specs` or `help`; `undefined` when none was given. */
  readonly command: string | undefined;
  /** Value of `--spec`: a preset name or a path to a JSON spec. */
  readonly spec: string | undefined;
  /** Value of `--ebcdic`: the code page moov's `EBCDIC` stands for in `import moov` (checked by the command). */
  readonly ebcdic: string | undefined;
  /** `--raw`: input (decode, describe) or output (encode) is raw bytes instead of hex. */
  readonly raw: boolean;
  /** `--hex`: force reading the input as hex text. */
  readonly hex: boolean;
  /** `--unmask`: show card data in clear in `decode` and `describe` (never for logs). */
  readonly unmask: boolean;
  /** `--json`: errors as one JSON line on stderr. */
  readonly json: boolean;
  /** `--help` / `-h`. */
  readonly help: boolean;
  /** `--version` / `-v`. */
  readonly version: boolean;
  /** The options given, to refuse those a command does not take. */
  readonly given: ReadonlySet<OptionName>;
  /** Positional arguments after the command. */
  readonly positional: readonly string[];
  /** Command-line mistakes, in order; the first is reported as a usage error. */
  readonly problems: readonly string[];
}

const FLAGS: Readonly<Record<string, OptionName>> = {
  '--raw': 'raw',
  '--hex': 'hex',
  '--unmask': 'unmask',
  '--json': 'json',
  '--help': 'help',
  '-h': 'help',
  '--version': 'version',
  '-v': 'version',
};

/** The options that take a value (`--spec x`, `--spec=x`), each with what its value is, for when it is missing. */
type ValueOption = 'spec' | 'ebcdic';
const VALUE_NEEDS: Readonly<Record<ValueOption, string>> = {
  spec: 'a preset name or a spec file',
  ebcdic: 'a code page, ebcdic037, ebcdic500 or ebcdic1047',
};
const VALUE_NAMES: Readonly<Record<string, ValueOption>> = { '--spec': 'spec', '-s': 'spec', '--ebcdic': 'ebcdic' };

/** An argument is quoted in a usage error only when it is a plain word, so a frame or a PAN typed by mistake is not. */
export function quotable(arg: string): boolean {
  return /^-{0,2}[A-Za-z][A-Za-z-]{0,30}$/.test(arg);
}

/** Parses `argv` (without the node and script paths); `--` ends the options. */
export function parseArgs(argv: readonly string[]): CliArgs {
  let command: string | undefined;
  const values: Partial<Record<ValueOption, string>> = {};
  const given = new Set<OptionName>();
  const positional: string[] = [];
  const problems: string[] = [];
  let optionsEnded = false;
  const setValue = (option: ValueOption, value: string | undefined): void => {
    if (given.has(option)) problems.push(`--${option} is given more than once`);
    given.add(option);
    if (value === undefined || value === '' || value.startsWith('-')) problems.push(`--${option} needs a value: ${VALUE_NEEDS[option]}`);
    else values[option] = value;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const flag = FLAGS[a];
    const valued = VALUE_NAMES[a];
    const eq = a.indexOf('=');
    const inline = a.startsWith('--') && eq > 2 ? VALUE_NAMES[a.slice(0, eq)] : undefined;
    if (optionsEnded || a === '-' || !a.startsWith('-')) {
      if (command === undefined) command = a;
      else positional.push(a);
    } else if (a === '--') optionsEnded = true;
    else if (valued !== undefined) {
      const next = argv[i + 1];
      const missing = next === undefined || next.startsWith('-');
      setValue(valued, missing ? undefined : next);
      if (!missing) i++;
    } else if (inline !== undefined) setValue(inline, a.slice(eq + 1));
    else if (flag !== undefined) given.add(flag);
    else problems.push(quotable(a) ? `unknown option ${a}` : 'unknown option (not shown: it is not a plain word)');
  }
  return {
    command,
    spec: values.spec,
    ebcdic: values.ebcdic,
    raw: given.has('raw'),
    hex: given.has('hex'),
    unmask: given.has('unmask'),
    json: given.has('json'),
    help: given.has('help'),
    version: given.has('version'),
    given,
    positional,
    problems,
  };
}
