/**
 * Parsed command line of the `iso8583` command.
 *
 * Why: a tiny dedicated parser keeps the CLI free of runtime dependencies.
 */
export interface CliArgs {
  /** The sub-command: `decode`, `encode`, `specs`, or `help` / `version`. */
  readonly command: string | undefined;
  /** Value of `--spec`: a preset name or a path to a JSON spec. */
  readonly spec: string | undefined;
  /** `--raw`: input (decode) or output (encode) is raw bytes instead of hex. */
  readonly raw: boolean;
  /** `--hex`: force reading the input as hex text. */
  readonly hex: boolean;
  /** `--unmask`: show card data in clear in `describe` (never for logs). */
  readonly unmask: boolean;
  /** Positional arguments after the command. */
  readonly positional: readonly string[];
  /** Unknown options, reported as a usage error. */
  readonly unknown: readonly string[];
}

/** Parses `argv` (without the node and script paths). */
export function parseArgs(argv: readonly string[]): CliArgs {
  let command: string | undefined;
  let spec: string | undefined;
  let raw = false;
  let hex = false;
  let unmask = false;
  const positional: string[] = [];
  const unknown: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--spec' || a === '-s') {
      spec = argv[++i];
      if (spec === undefined) unknown.push(a);
    } else if (a.startsWith('--spec=')) spec = a.slice(7);
    else if (a === '--raw') raw = true;
    else if (a === '--hex') hex = true;
    else if (a === '--unmask') unmask = true;
    else if (a === '--help' || a === '-h') command = 'help';
    else if (a === '--version' || a === '-v') command = 'version';
    else if (a.startsWith('-') && a !== '-') unknown.push(a);
    else if (command === undefined) command = a;
    else positional.push(a);
  }
  return { command, spec, raw, hex, unmask, positional, unknown };
}
