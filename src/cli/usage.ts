import type { OptionName } from './args.js';
import { PRESET_NAMES } from './load-spec.js';

/** What a command accepts: its options, how many positional arguments, and its help text. */
export interface CommandInfo {
  /** Options the command takes (`--json` and `--help` are taken by all). */
  readonly options: readonly OptionName[];
  /** Most positional arguments. */
  readonly maxArgs: number;
  /** Its `--help` text. */
  readonly help: string;
}

const EXIT_TEXT = `Exit status: 0 ok; 1 usage (a bad command line; code USAGE) or an unexpected failure (code UNEXPECTED);
2 bad input: an unreadable input or spec file, a bad frame, JSON or spec, or an input above 1 MiB (code
INPUT_TOO_LARGE). An error is one line on stderr with its code, field and offset, never a field value, nor the
input argument or the --spec value (a pasted frame may be taken for a path); --json prints it as
{"code","field","offset","detail"}.`;

const INPUT_TEXT = `Input: a hex argument (hex digits and white space only: no ':', ',' or '0x'), a file of hex (annotated:
white space and '#' comments) or raw bytes, or stdin (- or nothing); at most 1 MiB. --hex reads the input as hex
text, --raw as raw bytes; without either, a file that holds only hex digits, white space and comments is hex.`;

/** The commands, by name. */
export const COMMANDS: Readonly<Record<string, CommandInfo>> = {
  decode: {
    options: ['spec', 'raw', 'hex', 'unmask'],
    maxArgs: 1,
    help: `Usage: iso8583 decode --spec <preset|spec.json> [--hex | --raw] [--unmask] [--json] [hex | file | -]

Decodes one frame and prints it as JSON, binary values in hex. Card data is masked as describe masks it: a PAN
shows at most its first 6 and last 4 digits ("411111******1111"), other sensitive values only their size
("[hidden, 8 bytes]"), and the JSON then starts with "masked": true. Masked JSON cannot be encoded again;
--unmask prints every value in clear (JSON that encode takes back), never for logs.

${INPUT_TEXT}

${EXIT_TEXT}`,
  },
  describe: {
    options: ['spec', 'raw', 'hex', 'unmask'],
    maxArgs: 1,
    help: `Usage: iso8583 describe --spec <preset|spec.json> [--hex | --raw] [--unmask] [--json] [hex | file | -]

Prints one frame field by field, with names, card data masked (--unmask: in clear, never for logs).

${INPUT_TEXT}

${EXIT_TEXT}`,
  },
  encode: {
    options: ['spec', 'raw'],
    maxArgs: 1,
    help: `Usage: iso8583 encode --spec <preset|spec.json> [--raw] [--json] [file.json | -]

Encodes the JSON form of a message (from a file, or stdin: - or nothing; at most 1 MiB) and prints the frame in
hex, or its raw bytes with --raw. JSON marked "masked": true (decode without --unmask) is refused: its card data
is gone; any other "masked" value (false included) is refused too: JSON in clear has no "masked" key.

${EXIT_TEXT}`,
  },
  import: {
    options: ['ebcdic'],
    maxArgs: 2,
    help: `Usage: iso8583 import <jpos | moov | pyiso8583> [--ebcdic <code page>] [--json] [file | -]

Imports a jPOS GenericPackager XML file (jpos), a moov-io/iso8583 JSON spec (moov) or a pyiso8583 spec dict as
JSON (pyiso8583), from a file or stdin (- or nothing; at most 1 MiB), and prints it as a JSON spec that --spec
takes: iso8583 import jpos packager.xml > spec.json. A class, packager, prefix or encoding with no exact
equivalent is refused (code INVALID_SPEC, with the field and, for jPOS, the class and the line).

--ebcdic <code page> (moov only): the code page moov's EBCDIC encoding and prefixes stand for, ebcdic037,
ebcdic500 or ebcdic1047 (moov's table is its own, so a spec that uses EBCDIC is refused without it; EBCDIC1047
needs no option): iso8583 import moov --ebcdic ebcdic037 spec.json > ours.json.

${EXIT_TEXT}`,
  },
  specs: {
    options: [],
    maxArgs: 0,
    help: `Usage: iso8583 specs

Lists the built-in presets: ${PRESET_NAMES.join(', ')}.`,
  },
  help: {
    options: [],
    maxArgs: 1,
    help: `Usage: iso8583 help [command]

Prints the usage, or a command's help (as iso8583 <command> --help does).`,
  },
};

/** The global usage lines, printed after a usage error. */
export const SHORT_USAGE = `Usage:
  iso8583 decode   --spec <preset|spec.json> [--hex | --raw] [--unmask] [--json] [hex | file | -]
  iso8583 describe --spec <preset|spec.json> [--hex | --raw] [--unmask] [--json] [hex | file | -]
  iso8583 encode   --spec <preset|spec.json> [--raw] [--json] [file.json | -]
  iso8583 import   <jpos | moov | pyiso8583> [--ebcdic <code page>] [--json] [file | -]
  iso8583 specs
  iso8583 help [command] | iso8583 <command> --help | iso8583 --version`;

/** The global help text. */
export const USAGE = `${SHORT_USAGE}

Commands:
  decode    decode a frame, print JSON (card data masked)
  describe  decode a frame, print it field by field (card data masked)
  encode    encode JSON, print the frame in hex (--raw: raw bytes)
  import    turn a jPOS packager (XML), a moov or a pyiso8583 spec (JSON) into a JSON spec
  specs     list the built-in presets

Options:
  --spec, -s <preset|file>  a preset (${PRESET_NAMES.join(', ')}) or a JSON spec file
  --ebcdic <code page>      import moov: the code page of moov's EBCDIC (ebcdic037, ebcdic500, ebcdic1047)
  --hex                     read the input as hex text (white space and '#' comments allowed)
  --raw                     decode, describe: read the input as raw bytes; encode: write raw bytes
  --unmask                  decode, describe: show card data in clear (never for logs)
  --json                    report an error as one JSON line on stderr: {"code","field","offset","detail"}

${EXIT_TEXT}`;

/** The usage lines to print after a usage error of `command` (the global ones when it is not a command). */
export function shortUsage(command: string | undefined): string {
  const info = command === undefined ? undefined : COMMANDS[command];
  return info === undefined ? SHORT_USAGE : `${info.help.split('\n')[0]!}\nRun iso8583 ${command} --help for more.`;
}
