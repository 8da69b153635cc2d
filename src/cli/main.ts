import { toHex } from '../codecs/hex-digits.js';
import { describe } from '../describe/describe.js';
import { messageToMaskedJSON } from '../describe/masked-json.js';
import { isPlainName } from '../errors/arguments.js';
import { ErrorCode } from '../errors/codes.js';
import { Iso8583Error, isIso8583Error } from '../errors/iso8583-error.js';
import { isMoovEbcdicCodePage, MOOV_EBCDIC_CODE_PAGES } from '../import/moov-common.js';
import { createCodec } from '../message/codec.js';
import { messageToJSON } from '../message/json.js';
import { messageFromJSON } from '../message/json-from.js';
import { type CliArgs, parseArgs, quotable } from './args.js';
import { IMPORT_FORMATS, importCommand } from './import-command.js';
import { loadSpec, PRESET_NAMES } from './load-spec.js';
import { type InputStream, InputTooLargeError, readFrameInput, readJsonInput } from './read-input.js';
import { COMMANDS, shortUsage, USAGE } from './usage.js';

/** The streams the CLI talks to; injected so tests can drive `run` in-process as well. */
export interface CliIO {
  /** Standard input. */
  readonly stdin: InputStream;
  /** Writes to standard output. */
  readonly stdout: (text: string | Uint8Array) => void;
  /** Writes to standard error. */
  readonly stderr: (text: string) => void;
}

/** The package version, injected by the build (tsup `define`); `dev` when run from sources. */
declare const __VERSION__: string | undefined;
const VERSION = typeof __VERSION__ === 'string' ? __VERSION__ : 'dev';

/** Exit statuses: 0 success, 1 a bad command line or an unexpected failure, 2 bad input (an `Iso8583Error`, or too large). */
export const EXIT = { OK: 0, USAGE: 1, BAD_INPUT: 2 } as const;

/**
 * Codes of the failures that are not an `Iso8583Error`: a bad command line, an input above `MAX_INPUT_BYTES` (1 MiB),
 * and a failure nobody foresaw.
 */
export const CLI_CODES = { USAGE: 'USAGE', INPUT_TOO_LARGE: 'INPUT_TOO_LARGE', UNEXPECTED: 'UNEXPECTED' } as const;

/** One failure as the CLI reports it: a code, where, and a sentence without field values. */
interface Failure {
  readonly code: string;
  readonly field: string | undefined;
  readonly offset: number | undefined;
  readonly detail: string;
}

/** Formats an `Iso8583Error` as the CLI's single error line; it holds no field value. */
export function errorLine(e: Failure): string {
  let line = `iso8583: error ${e.code}`;
  if (e.field !== undefined) line += ` field ${e.field}`;
  if (e.offset !== undefined) line += ` at offset ${e.offset}`;
  return `${line}: ${e.detail}`;
}

/** Formats a failure as the single JSON line of `--json`: every key present, `null` where there is nothing. */
export function errorJSON(e: Failure): string {
  return JSON.stringify({ code: e.code, field: e.field ?? null, offset: e.offset ?? null, detail: e.detail });
}

/** A bad command line: reported with the usage lines of `command`, exit status 1. */
class UsageError extends Error {
  constructor(
    readonly detail: string,
    readonly usage: string,
  ) {
    super(detail);
  }
}

function checkCommandLine(args: CliArgs): void {
  const problem = args.problems[0];
  const info = args.command === undefined ? undefined : COMMANDS[args.command];
  const help = shortUsage(info === undefined ? undefined : args.command);
  if (problem !== undefined) throw new UsageError(problem, help);
  if (args.version) {
    const others = [...args.given].filter((o) => o !== 'version' && o !== 'json');
    if (args.command !== undefined || others.length > 0) throw new UsageError('--version takes no command and no other option', shortUsage(undefined));
    return;
  }
  if (args.command === undefined) {
    if (args.help) return;
    throw new UsageError('no command given', shortUsage(undefined));
  }
  if (info === undefined) {
    throw new UsageError(quotable(args.command) ? `unknown command ${args.command}` : 'unknown command (not shown: it is not a plain word)', help);
  }
  if (args.help) return;
  for (const option of args.given) {
    if (option !== 'json' && !info.options.includes(option)) throw new UsageError(`${args.command} does not take --${option}`, help);
  }
  if (args.raw && args.hex) throw new UsageError('--raw and --hex exclude each other', help);
  if (info.options.includes('spec') && args.spec === undefined) throw new UsageError(`${args.command} needs --spec`, help);
  if (args.positional.length > info.maxArgs) {
    throw new UsageError(
      info.maxArgs === 0
        ? `${args.command} takes no arguments, got ${args.positional.length}`
        : args.command === 'import'
          ? `import takes a format and one input at most, got ${args.positional.length} arguments`
          : `${args.command} takes one input at most, got ${args.positional.length} arguments`,
      help,
    );
  }
  if (args.command === 'import') {
    const format = args.positional[0];
    if (format === undefined) throw new UsageError('import needs a format: jpos, moov or pyiso8583', help);
    if (!Object.prototype.hasOwnProperty.call(IMPORT_FORMATS, format)) {
      throw new UsageError(quotable(format) ? `import knows no format ${format} (jpos, moov, pyiso8583)` : 'import knows no such format (jpos, moov, pyiso8583)', help);
    }
    if (args.ebcdic !== undefined) {
      // --ebcdic names what moov's own EBCDIC encoding stands for; the other formats name their code pages themselves.
      if (format !== 'moov') throw new UsageError('--ebcdic is for import moov only: it says which code page moov\'s EBCDIC encoding is', help);
      if (!isMoovEbcdicCodePage(args.ebcdic)) {
        const got = isPlainName(args.ebcdic) ? args.ebcdic : 'a value not shown (not a plain name)';
        throw new UsageError(`--ebcdic takes ${MOOV_EBCDIC_CODE_PAGES.join(', ')}, got ${got}`, help);
      }
    }
  }
}

function helpText(args: CliArgs): string {
  const topic = args.command === 'help' ? args.positional[0] : args.command;
  if (topic === undefined) return USAGE;
  const info = COMMANDS[topic];
  if (info === undefined) throw new UsageError(quotable(topic) ? `no help for ${topic}: not a command` : 'no help: not a command', shortUsage(undefined));
  return info.help;
}

async function execute(args: CliArgs, io: CliIO): Promise<void> {
  if (args.version) return io.stdout(`${VERSION}\n`);
  if (args.help || args.command === 'help') return io.stdout(`${helpText(args)}\n`);
  if (args.command === 'specs') return io.stdout(`${PRESET_NAMES.join('\n')}\n`);
  if (args.command === 'import') {
    const ebcdic = isMoovEbcdicCodePage(args.ebcdic) ? args.ebcdic : undefined;
    return io.stdout(await importCommand(args.positional[0]!, args.positional[1], io.stdin, ebcdic === undefined ? {} : { ebcdic }));
  }
  const spec = await loadSpec(args.spec!);
  const codec = createCodec(spec);
  const input = args.positional[0];
  if (args.command === 'encode') {
    const text = await readJsonInput(input, io.stdin);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new Iso8583Error(ErrorCode.INVALID_MESSAGE, 'input is not valid JSON');
    }
    const bytes = codec.encode(messageFromJSON(json, spec));
    return io.stdout(args.raw ? bytes : `${toHex(bytes)}\n`);
  }
  const message = codec.decode(await readFrameInput(input, io.stdin, args));
  if (args.command === 'describe') return io.stdout(`${describe(message, spec, { unmask: args.unmask })}\n`);
  const json = args.unmask ? messageToJSON(message, spec) : messageToMaskedJSON(message, spec);
  io.stdout(`${JSON.stringify(json, null, 2)}\n`);
}

/**
 * Runs the `iso8583` command and returns its exit status.
 *
 * Why: a testable entry point; `bin.ts` only wires it to the process. Every failure is one line on stderr
 * (`--json`: one JSON object) with a code, never a field value: a bad command line exits 1 (`USAGE`, followed by
 * the usage), bad input exits 2 (an `Iso8583Error`'s code, field and offset, or `INPUT_TOO_LARGE` for an input
 * above 1 MiB), anything else exits 1 (`UNEXPECTED`, without the original text). The input argument and the value
 * of `--spec` are never repeated in an error: a frame pasted with separators reads as a path.
 */
export async function run(argv: readonly string[], io: CliIO): Promise<number> {
  let args: CliArgs | undefined;
  try {
    args = parseArgs(argv);
    checkCommandLine(args);
    await execute(args, io);
    return EXIT.OK;
  } catch (e) {
    const json = args?.json === true;
    if (e instanceof UsageError) {
      const failure = { code: CLI_CODES.USAGE, field: undefined, offset: undefined, detail: e.detail };
      io.stderr(json ? `${errorJSON(failure)}\n` : `${errorLine(failure)}\n${e.usage}\n`);
      return EXIT.USAGE;
    }
    if (isIso8583Error(e)) {
      io.stderr(`${json ? errorJSON(e) : errorLine(e)}\n`);
      return EXIT.BAD_INPUT;
    }
    if (e instanceof InputTooLargeError) {
      const failure = { code: CLI_CODES.INPUT_TOO_LARGE, field: undefined, offset: undefined, detail: e.detail };
      io.stderr(`${json ? errorJSON(failure) : errorLine(failure)}\n`);
      return EXIT.BAD_INPUT;
    }
    const command = args?.command !== undefined && COMMANDS[args.command] !== undefined ? args.command : 'the command';
    const failure = { code: CLI_CODES.UNEXPECTED, field: undefined, offset: undefined, detail: `could not complete ${command}` };
    io.stderr(`${json ? errorJSON(failure) : errorLine(failure)}\n`);
    return EXIT.USAGE;
  }
}
