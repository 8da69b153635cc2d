import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { run } from '../src/cli/main.js';
import { createCodec, presets, toHex } from '../src/index.js';

const CLI = join(__dirname, '..', 'dist', 'cli.js');
const PAN = '4111111111111111';
const frame = createCodec(presets.iso87ascii).encode({
  mti: '0100',
  fields: { 2: PAN, 3: '000000', 4: '000000001000', 11: '000001', 41: 'TERM0001', 52: new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]) },
});
const hex = toHex(frame);

function cli(args: string[], input?: string | Uint8Array) {
  const r = spawnSync(process.execPath, [CLI, ...args], { input: input ?? '' });
  return { status: r.status, stdout: r.stdout.toString('latin1'), stderr: r.stderr.toString('utf8') };
}
const tmp = mkdtempSync(join(tmpdir(), 'iso8583-cli-'));

describe('iso8583 CLI (built)', () => {
  it('is built with a shebang', () => {
    // npm links the bin as is: it must run by itself, through its first line, with no `node` in front.
    expect(readFileSync(CLI, 'utf8').split('\n', 1)[0]).toBe('#!/usr/bin/env node');
    expect(statSync(CLI).mode & 0o111).not.toBe(0);
    const r = spawnSync(CLI, ['--version'], { env: { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}` } });
    expect(r.error).toBeUndefined();
    expect(r.status).toBe(0);
    expect(r.stdout.toString().trim()).toBe((JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version: string }).version);
  });

  it('decodes a hex argument to JSON, card data masked', () => {
    const r = cli(['decode', '--spec', 'iso87ascii', hex]);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      masked: true,
      mti: '0100',
      fields: { 2: '411111******1111', 3: '000000', 4: '000000001000', 11: '000001', 41: 'TERM0001', 52: '[hidden, 8 bytes]' },
    });
  });

  it('decodes to JSON in clear with --unmask', () => {
    const r = cli(['decode', '--spec', 'iso87ascii', '--unmask', hex]);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      mti: '0100',
      fields: { 2: PAN, 3: '000000', 4: '000000001000', 11: '000001', 41: 'TERM0001', 52: '0102030405060708' },
    });
  });

  it('decodes an annotated hex file, a raw file and stdin alike', () => {
    const annotated = join(tmp, 'frame.hex');
    writeFileSync(annotated, `# spec: iso87ascii\n${hex.slice(0, 8)}  # MTI\n${hex.slice(8)} # the rest\n`);
    const raw = join(tmp, 'frame.bin');
    writeFileSync(raw, frame);
    const expected = cli(['decode', '--spec', 'iso87ascii', hex]).stdout;
    expect(cli(['decode', '--spec', 'iso87ascii', annotated]).stdout).toBe(expected);
    expect(cli(['decode', '--spec', 'iso87ascii', '--raw', raw]).stdout).toBe(expected);
    expect(cli(['decode', '--spec', 'iso87ascii'], hex).stdout).toBe(expected);
    expect(cli(['decode', '--spec', 'iso87ascii', '-', '--raw'], frame).stdout).toBe(expected);
  });

  it('encodes JSON from stdin back to the same hex', () => {
    const json = cli(['decode', '--spec', 'iso87ascii', '--unmask', hex]).stdout;
    const r = cli(['encode', '--spec', 'iso87ascii'], json);
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(hex);
  });

  it('takes a JSON spec file', () => {
    const specPath = join(tmp, 'tiny.json');
    writeFileSync(
      specPath,
      JSON.stringify({
        name: 'tiny',
        mti: { encoding: 'ascii' },
        bitmap: { format: 'hex' },
        fields: { 11: { kind: 'n', length: 6, encoding: 'ascii' } },
      }),
    );
    const r = cli(['encode', '--spec', specPath], '{"mti":"0800","fields":{"11":"000042"}}');
    expect(r.stdout.trim()).toBe(toHex(new TextEncoder().encode('08000020000000000000000042')));
  });

  it('prints one line with code, field and offset and exits 2 on a bad frame, without the PAN', () => {
    // Corrupt the PAN's length prefix ("16" -> "26"): field 2 now runs past the end.
    const bad = `${hex.slice(0, 24)}3236${hex.slice(28)}`;
    const r = cli(['decode', '--spec', 'iso87ascii', bad]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^iso8583: error LENGTH_EXCEEDS_MAX field 2 at offset 12: /);
    expect(r.stderr).not.toContain(PAN);
    expect(r.stderr).not.toContain('411111');
  });

  it('exits 2 for invalid JSON input and for an invalid spec file', () => {
    expect(cli(['encode', '--spec', 'iso87ascii'], '{nope').status).toBe(2);
    const bad = join(tmp, 'bad.json');
    writeFileSync(bad, JSON.stringify({ name: 'bad', mti: { encoding: 'ascii' }, bitmap: { format: 'binary' }, fields: { 1: {} } }));
    const r = cli(['decode', '--spec', bad, hex]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^iso8583: error INVALID_SPEC field 1: /);
  });

  it('exits 1 with usage for a missing spec or an unknown command', () => {
    expect(cli(['decode', hex]).status).toBe(1);
    expect(cli(['frobnicate']).status).toBe(1);
    expect(cli(['--bogus']).status).toBe(1);
  });

  it('describes a frame with card data masked, and unmasks only on request', () => {
    const r = cli(['describe', '--spec', 'iso87ascii', hex]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^2\s+Primary account number \(PAN\)\s+411111\*{6}1111$/m);
    expect(r.stdout).toMatch(/^52\s+.*\[hidden, 8 bytes\]$/m);
    expect(r.stdout).not.toContain(PAN);
    expect(cli(['describe', '--spec', 'iso87ascii', '--unmask', hex]).stdout).toContain(PAN);
  });

  it('prints help, version and the preset list', () => {
    expect(cli(['--help']).stdout).toContain('iso8583 decode');
    expect(cli(['--version']).stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    expect(cli(['specs']).stdout.split('\n')).toEqual(['iso87ascii', 'iso87binary', 'iso87ebcdic', 'iso93ascii', 'iso93binary', 'iso03ascii', 'iso03binary', '']);
  });

  it('decodes the fixture that npm run decode:fixture shows', () => {
    const fixture = join(__dirname, '..', 'fixtures', 'ascii-0100-purchase.hex');
    const script = (JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts['decode:fixture'];
    expect(script).toContain('fixtures/ascii-0100-purchase.hex');
    const r = cli(['decode', '--spec', 'iso87ascii', fixture]);
    expect(r.status).toBe(0);
    const expected = JSON.parse(readFileSync(fixture.replace(/\.hex$/, '.json'), 'utf8')) as { mti: string; fields: Record<string, unknown> };
    const decoded = JSON.parse(r.stdout) as { masked: boolean; mti: string; fields: Record<string, unknown> };
    expect([decoded.masked, decoded.mti, Object.keys(decoded.fields)]).toEqual([true, expected.mti, Object.keys(expected.fields)]);
    expect(JSON.parse(cli(['decode', '--spec', 'iso87ascii', '--unmask', fixture]).stdout)).toEqual(expected);
  });
});

const FIXTURES = join(__dirname, '..', 'fixtures');

describe('iso8583 decode masks card data by default (built)', () => {
  it('masks DE2, track 2, the PIN block and EMV data of the golden purchase', () => {
    const r = cli(['decode', '--spec', 'iso87ascii', join(FIXTURES, 'ascii-0100-purchase.hex')]);
    expect(r.status).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(Object.keys(json)[0]).toBe('masked');
    expect(json.masked).toBe(true);
    expect(json.fields[2]).toBe('411111******1111');
    expect(json.fields[14]).toBe('[hidden, 4 chars]');
    expect(json.fields[35]).toBe('[hidden, 37 chars]');
    expect(json.fields[52]).toBe('[hidden, 8 bytes]');
    expect(json.fields[55]).toBe('[hidden, 63 bytes]');
    expect(json.fields[4]).toBe('000000012550');
    for (const secret of [PAN, '0123456789ABCDEF', 'A1B2C3D4', '=2812']) expect(r.stdout).not.toContain(secret);
  });

  it('masks the cryptograms and shows the public EMV tags of a structured spec', () => {
    const r = cli(['decode', '--spec', join(FIXTURES, 'specs', 'structured-ascii-demo.json'), join(FIXTURES, 'structured-0100-ascii.hex')]);
    expect(r.status).toBe(0);
    const emv = Object.fromEntries((JSON.parse(r.stdout).fields[55] as { tag: string; value: unknown }[]).map((e) => [e.tag, e.value]));
    expect(emv['9F26']).toBe('[hidden, 8 bytes]');
    expect(emv['9F02']).toBe('000000012550');
    expect(r.stdout).not.toContain(PAN);
    expect(r.stdout).not.toContain('A1B2C3D4');
  });

  it('refuses to encode masked JSON (exit 2), and encodes the --unmask JSON back to the same frame', () => {
    const masked = cli(['decode', '--spec', 'iso87ascii', hex]).stdout;
    const refused = cli(['encode', '--spec', 'iso87ascii'], masked);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/^iso8583: error INVALID_MESSAGE: masked JSON cannot be encoded/);
    const clear = cli(['decode', '--spec', 'iso87ascii', '--unmask', hex]).stdout;
    expect(cli(['encode', '--spec', 'iso87ascii'], clear).stdout.trim()).toBe(hex);
  });

  it('refuses "masked": false (or any value but true) with status 2 and a text saying the key must be absent', () => {
    const clear = JSON.parse(cli(['decode', '--spec', 'iso87ascii', '--unmask', hex]).stdout);
    const flipped = { ...JSON.parse(cli(['decode', '--spec', 'iso87ascii', hex]).stdout), masked: false };
    for (const json of [{ masked: false, ...clear }, flipped, { masked: 'no', ...clear }]) {
      for (const flag of [[], ['--json']]) {
        const r = cli(['encode', '--spec', 'iso87ascii', ...flag], JSON.stringify(json));
        expect(r.status).toBe(2);
        expect(r.stdout).toBe('');
        const detail = flag.length === 0 ? /^iso8583: error INVALID_MESSAGE: (.*)\n$/.exec(r.stderr)?.[1] : JSON.parse(r.stderr).detail;
        expect(detail).toMatch(/^"masked" must be absent: JSON in clear has no "masked" key/);
      }
    }
  });

  it('prints JSON without a mask marker, ready to encode, when nothing needed masking', () => {
    const echo = toHex(createCodec(presets.iso87ascii).encode({ mti: '0800', fields: { 11: '000001', 70: '301' } }));
    const r = cli(['decode', '--spec', 'iso87ascii', echo]);
    expect(JSON.parse(r.stdout)).toEqual({ mti: '0800', fields: { 11: '000001', 70: '301' } });
    expect(cli(['encode', '--spec', 'iso87ascii'], r.stdout).stdout.trim()).toBe(echo);
  });
});

describe('the CLI session of README.md (built)', () => {
  it('prints what each command of the README shows, and exits 2 where it shows an error', () => {
    const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## The CLI'));
    const block = /```sh\n([\s\S]*?)```/.exec(section)![1]!;
    // `$ command` lines, each followed by what it prints: a line `...` stands for more lines, a line ending in `...` for
    // the rest of that line, and `# exit status N` after the output for the status.
    const steps: { command: string; shown: string[]; status: number }[] = [];
    for (const line of block.trimEnd().split('\n')) {
      if (line.startsWith('$ ')) steps.push({ command: line.slice(2), shown: [], status: 0 });
      else {
        const [, text, status] = /^(.*?)(?:\s+# exit status (\d))?$/.exec(line)!;
        steps.at(-1)!.shown.push(text!);
        // Bad input exits 2 ("Exit status" below the block), whether the README notes it on the line or not.
        if (status !== undefined || /^(iso8583: error |\{"code":)/.test(text!)) steps.at(-1)!.status = Number(status ?? 2);
      }
    }
    expect(steps).toHaveLength(5);
    for (const step of steps) expect(step.command).toContain('npx iso8583 ');
    const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    for (const step of steps) {
      const r = spawnSync('bash', ['-c', step.command.replaceAll('npx iso8583', `'${process.execPath}' '${CLI}'`)], { cwd: join(__dirname, '..') });
      const printed = `${r.stdout.toString()}${r.stderr.toString()}`.trimEnd();
      const pattern = step.shown.map((l) => (l.trim() === '...' ? '[\\s\\S]*' : l.endsWith('...') ? `${escape(l.slice(0, -3))}[^\\n]*` : escape(l))).join('\n');
      expect(printed, step.command).toMatch(new RegExp(`^${pattern}$`));
      expect(r.status, step.command).toBe(step.status);
    }
  });
});

describe('iso8583 command-line conventions (built)', () => {
  it('exits 2 with the reason for a missing input file, a directory and a missing JSON file, never repeating the path', () => {
    const missing = join(tmp, 'missing.hex');
    const r = cli(['decode', '--spec', 'iso87ascii', missing]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      `iso8583: error INVALID_INPUT: the input argument is neither a hex frame (the character at offset 0 is not a hex digit or white space) nor a readable file (ENOENT: no such file or directory)\n`,
    );
    const raw = cli(['decode', '--spec', 'iso87ascii', '--raw', missing]);
    expect(raw.stderr).toBe('iso8583: error INVALID_INPUT: cannot read the input file (ENOENT: no such file or directory)\n');
    const dir = cli(['describe', '--spec', 'iso87ascii', tmp]);
    expect(dir.status).toBe(2);
    expect(dir.stderr).toBe('iso8583: error INVALID_INPUT: cannot read the input file (EISDIR: is a directory)\n');
    const json = cli(['encode', '--spec', 'iso87ascii', join(tmp, 'missing.json')]);
    expect(json.status).toBe(2);
    expect(json.stderr).toBe('iso8583: error INVALID_INPUT: cannot read the input file (ENOENT: no such file or directory)\n');
    for (const out of [r, raw, dir, json]) expect(out.stderr).not.toContain(tmp);
  });

  it('exits 2 for an input file it may not read', () => {
    // Root reads any file whatever its mode: as root, the CLI runs as nobody, who may not.
    const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    const dir = mkdtempSync(join(tmpdir(), 'iso8583-cli-locked-'));
    chmodSync(dir, 0o755);
    const unreadable = (file: string) => {
      const r = spawnSync(process.execPath, [CLI, 'decode', '--spec', 'iso87ascii', file], { input: '', ...asUser });
      return { status: r.status, stderr: r.stderr.toString('utf8') };
    };
    const readable = join(dir, 'open.hex');
    writeFileSync(readable, hex);
    chmodSync(readable, 0o644);
    expect(unreadable(readable).status).toBe(0);
    const locked = join(dir, 'locked.hex');
    writeFileSync(locked, hex);
    chmodSync(locked, 0o000);
    const r = unreadable(locked);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('iso8583: error INVALID_INPUT: cannot read the input file (EACCES: permission denied)\n');
    // Named after card data, an unreadable file is not named either.
    const named = join(dir, `${PAN}.hex`);
    writeFileSync(named, hex);
    chmodSync(named, 0o000);
    expect(unreadable(named).stderr).toBe('iso8583: error INVALID_INPUT: cannot read the input file (EACCES: permission denied)\n');
    rmSync(dir, { recursive: true, force: true });
  });

  describe('never repeats a frame pasted with separators, which reads as a path', () => {
    const binaryFrame = createCodec(presets.iso87binary).encode({ mti: '0100', fields: { 2: PAN } });
    const bytes = [...binaryFrame].map((b) => b.toString(16).padStart(2, '0').toUpperCase());
    const pasted: Record<string, string> = {
      colons: bytes.join(':'),
      commas: bytes.join(','),
      '0x and commas': bytes.map((b) => `0x${b}`).join(','),
      '0x and spaces': bytes.map((b) => `0x${b}`).join(' '),
      dashes: bytes.join('-'),
      'a trailing Z': `${bytes.join('')}Z`,
    };
    /** No run of the PAN's digits, with or without the separators between them. */
    function holdsNoCardData(text: string): void {
      expect(text).not.toContain(PAN);
      expect(text.replace(/[^0-9A-Fa-f]|0x/g, '')).not.toContain(PAN.slice(0, 12));
      for (const sep of [':', ',', ' ', '-', ',0x', ' 0x']) expect(text).not.toContain(['41', '11', '11', '11'].join(sep));
    }
    for (const [how, arg] of Object.entries(pasted)) {
      it(`with ${how}: exits 2 saying the argument is neither hex nor a file, in either error format`, () => {
        for (const command of ['decode', 'describe']) {
          const r = cli([command, '--spec', 'iso87binary', arg]);
          expect(r.status).toBe(2);
          expect(r.stdout).toBe('');
          expect(r.stderr).toMatch(/^iso8583: error INVALID_INPUT: the input argument is neither a hex frame \(the character at offset \d+ is not a hex digit or white space\) nor a readable file \(ENOENT: no such file or directory\)\n$/);
          holdsNoCardData(r.stderr);
          const j = cli([command, '--spec', 'iso87binary', '--json', arg]);
          expect(j.status).toBe(2);
          expect(JSON.parse(j.stderr)).toMatchObject({ code: 'INVALID_INPUT', field: null, offset: null });
          expect(JSON.parse(j.stderr).detail).toMatch(/^the input argument is neither a hex frame/);
          holdsNoCardData(j.stderr);
          // With --raw the argument is a path, and still not repeated.
          const raw = cli([command, '--spec', 'iso87binary', '--raw', arg]);
          expect(raw.stderr).toBe('iso8583: error INVALID_INPUT: cannot read the input file (ENOENT: no such file or directory)\n');
        }
      });
    }

    it('decodes a frame pasted with spaces as one argument, and refuses one pasted as many without repeating them', () => {
      const spaced = cli(['decode', '--spec', 'iso87binary', bytes.join(' ')]);
      expect(spaced.status).toBe(0);
      expect(JSON.parse(spaced.stdout).fields[2]).toBe('411111******1111');
      for (const json of [[], ['--json']]) {
        const words = cli(['decode', '--spec', 'iso87binary', ...json, ...bytes]);
        expect(words.status).toBe(1);
        holdsNoCardData(words.stderr);
        const colonWords = cli(['decode', '--spec', 'iso87binary', ...json, ...bytes.map((b) => `${b}:`)]);
        expect(colonWords.status).toBe(1);
        holdsNoCardData(colonWords.stderr);
      }
    });

    it('names no directory, even one named after a pasted frame', () => {
      const dir = join(tmp, pasted.colons!);
      mkdirSync(dir);
      for (const json of [[], ['--json']]) {
        const r = cli(['decode', '--spec', 'iso87binary', ...json, dir]);
        expect(r.status).toBe(2);
        expect(r.stderr).toContain('cannot read the input file (EISDIR: is a directory)');
        holdsNoCardData(r.stderr);
      }
    });
  });

  it('exits 2 for a spec file that cannot be read, with the reason and the presets, never repeating the path', () => {
    const r = cli(['decode', '--spec', join(tmp, 'nope.json'), hex]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      'iso8583: error INVALID_SPEC: cannot read the spec file (ENOENT: no such file or directory); --spec takes a preset (iso87ascii, iso87binary, iso87ebcdic, iso93ascii, iso93binary, iso03ascii, iso03binary) or a JSON spec file\n',
    );
    for (const name of [`${PAN}.json`, '41:11:11:11:11:11:11:11.json']) {
      const digits = cli(['decode', '--spec', join(tmp, name), hex]);
      expect(digits.status).toBe(2);
      expect(digits.stderr).toMatch(/^iso8583: error INVALID_SPEC: cannot read the spec file \(ENOENT/);
      expect(digits.stderr).not.toContain(name);
    }
    const notJson = join(tmp, `${PAN}-spec.json`);
    writeFileSync(notJson, '{nope');
    expect(cli(['decode', '--spec', notJson, hex]).stderr).toBe('iso8583: error INVALID_SPEC: the spec file is not valid JSON\n');
  });

  it('says that --spec needs a value, rather than calling it an unknown option', () => {
    for (const args of [['decode', '--spec'], ['decode', '--spec', '--raw', hex], ['decode', '--spec=', hex]]) {
      const r = cli(args);
      expect(r.status, args.join(' ')).toBe(1);
      expect(r.stderr).toMatch(/^iso8583: error USAGE: --spec needs a value: a preset name or a spec file\n/);
      expect(r.stderr).not.toContain('unknown option');
    }
    expect(cli(['decode', '--spec', 'iso87ascii', '--spec', 'iso87binary', hex]).stderr).toContain('--spec is given more than once');
  });

  it('prints the help of a command for <command> --help and help <command>, on stdout with status 0', () => {
    const global = cli(['--help']).stdout;
    for (const command of ['decode', 'describe', 'encode', 'specs']) {
      const r = cli([command, '--help']);
      expect(r.status, command).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^Usage: iso8583 ${command}`));
      expect(r.stdout).not.toBe(global);
      expect(cli(['help', command]).stdout).toBe(r.stdout);
    }
    expect(cli(['decode', '--help']).stdout).toContain('"masked": true');
  });

  it('shows --hex and --json in the usage and in the help of decode', () => {
    for (const text of [cli(['--help']).stdout, cli(['decode', '--help']).stdout]) {
      expect(text).toContain('--hex');
      expect(text).toContain('--json');
      expect(text).toContain('--unmask');
    }
  });

  it('refuses extra positional arguments with status 1, without quoting them', () => {
    const r = cli(['decode', '--spec', 'iso87ascii', hex, hex]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^iso8583: error USAGE: decode takes one input at most, got 2 arguments\nUsage: iso8583 decode /);
    expect(r.stderr).not.toContain(hex);
    expect(cli(['encode', '--spec', 'iso87ascii', 'a.json', 'b.json']).status).toBe(1);
    expect(cli(['specs', 'extra']).status).toBe(1);
    expect(cli(['help', 'decode', 'extra']).status).toBe(1);
    expect(cli(['--version', 'extra']).status).toBe(1);
  });

  it('prints the usage on stderr with status 1 when given no arguments', () => {
    const r = cli([]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^iso8583: error USAGE: no command given\nUsage:\n/);
  });

  it('refuses options a command does not take, and --raw with --hex', () => {
    expect(cli(['encode', '--spec', 'iso87ascii', '--unmask']).stderr).toMatch(/^iso8583: error USAGE: encode does not take --unmask\n/);
    expect(cli(['specs', '--raw']).status).toBe(1);
    expect(cli(['decode', '--spec', 'iso87ascii', '--raw', '--hex', hex]).stderr).toMatch(/^iso8583: error USAGE: --raw and --hex exclude each other\n/);
  });

  it('does not quote an unknown option or command that is not a plain word', () => {
    const command = cli([hex]);
    expect(command.status).toBe(1);
    expect(command.stderr).not.toContain(hex);
    const option = cli(['decode', `--${PAN}`]);
    expect(option.status).toBe(1);
    expect(option.stderr).not.toContain(PAN);
    expect(cli(['decode', '--bogus']).stderr).toMatch(/^iso8583: error USAGE: unknown option --bogus\n/);
  });

  it('reads a file named like an option after --', () => {
    const dashed = join(tmp, '-frame.hex');
    writeFileSync(dashed, hex);
    const r = cli(['decode', '--spec', 'iso87ascii', '--', dashed]);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).mti).toBe('0100');
  });
});

describe('iso8583 --json error output (built)', () => {
  const keys = ['code', 'field', 'offset', 'detail'];

  it('prints a bad frame as one JSON line with code, field, offset and detail, and no value', () => {
    const bad = `${hex.slice(0, 24)}3236${hex.slice(28)}`;
    const r = cli(['decode', '--spec', 'iso87ascii', '--json', bad]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toBe('');
    const e = JSON.parse(lines[0]!);
    expect(Object.keys(e)).toEqual(keys);
    expect(e).toMatchObject({ code: 'LENGTH_EXCEEDS_MAX', field: '2', offset: 12 });
    expect(r.stderr).not.toContain(PAN);
    expect(r.stderr).not.toContain('411111');
  });

  it('prints null for a field and an offset the error does not have', () => {
    const r = cli(['decode', '--spec', 'iso87ascii', '--json', join(tmp, 'absent.hex')]);
    expect(r.status).toBe(2);
    const e = JSON.parse(r.stderr);
    expect(Object.keys(e)).toEqual(keys);
    expect(e).toMatchObject({ code: 'INVALID_INPUT', field: null, offset: null });
  });

  it('prints a usage error as one JSON line with code USAGE and status 1, without the usage text', () => {
    for (const args of [['--json'], ['decode', '--json'], ['decode', '--spec', '--json'], ['--json', 'frobnicate'], ['decode', '--spec', 'iso87ascii', '--json', 'a', 'b']]) {
      const r = cli(args);
      expect(r.status, args.join(' ')).toBe(1);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      const e = JSON.parse(r.stderr);
      expect(Object.keys(e)).toEqual(keys);
      expect(e).toMatchObject({ code: 'USAGE', field: null, offset: null });
    }
  });
});

describe('iso8583 reads at most 1 MiB of any input (built)', () => {
  const MiB = 1024 * 1024;
  const tooLarge = /^iso8583: error INPUT_TOO_LARGE: (the input file|standard input|the spec file|the input argument) is larger than 1048576 bytes \(1 MiB\), the most the CLI reads\n$/;
  /** Runs the CLI with a file as its standard input (not a pipe: /dev/zero never ends). */
  function cliWithStdin(args: string[], path: string) {
    const fd = openSync(path, 'r');
    try {
      // The timeout is a hang guard only: reading stops at 1 MiB, long before it.
      const r = spawnSync(process.execPath, [CLI, ...args], { stdio: [fd, 'pipe', 'pipe'], timeout: 120_000 });
      return { status: r.status, signal: r.signal, stdout: r.stdout.toString('latin1'), stderr: r.stderr.toString('utf8') };
    } finally {
      closeSync(fd);
    }
  }
  const bounded = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { input: '', timeout: 120_000 });

  it('stops reading /dev/zero as the input file, as stdin and as a spec file, and exits 2', () => {
    // An endless file: every POSIX system has one here (the suite runs on Linux and macOS).
    expect(existsSync('/dev/zero')).toBe(true);
    for (const args of [['decode', '--spec', 'iso87ascii', '--raw', '/dev/zero'], ['decode', '--spec', 'iso87ascii', '/dev/zero'], ['describe', '--spec', 'iso87ascii', '--hex', '/dev/zero'], ['encode', '--spec', 'iso87ascii', '/dev/zero'], ['decode', '--spec', '/dev/zero', hex]]) {
      const r = bounded(args);
      expect(r.signal, args.join(' ')).toBeNull();
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr.toString(), args.join(' ')).toMatch(tooLarge);
    }
    for (const args of [['decode', '--spec', 'iso87ascii', '--raw'], ['decode', '--spec', 'iso87ascii', '-'], ['encode', '--spec', 'iso87ascii']]) {
      const r = cliWithStdin(args, '/dev/zero');
      expect(r.signal, args.join(' ')).toBeNull();
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(/^iso8583: error INPUT_TOO_LARGE: standard input is larger than 1048576 bytes/);
      const j = cliWithStdin([...args, '--json'], '/dev/zero');
      expect(JSON.parse(j.stderr)).toEqual({ code: 'INPUT_TOO_LARGE', field: null, offset: null, detail: expect.stringMatching(/^standard input is larger than 1048576 bytes/) });
    }
  });

  it('stops reading an endless pipe on stdin, and exits 2', async () => {
    const child = spawn(process.execPath, [CLI, 'decode', '--spec', 'iso87ascii', '--raw', '--json'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // The writer never ends on its own: the child closing its stdin (EPIPE) is what stops it.
    child.stdin.on('error', () => undefined);
    const zeros = new Uint8Array(64 * 1024);
    const write = (): void => {
      while (child.stdin.writable && child.stdin.write(zeros));
      if (child.stdin.writable) child.stdin.once('drain', write);
    };
    write();
    const status = await new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    child.stdin.destroy();
    expect(status).toBe(2);
    expect(JSON.parse(stderr).code).toBe('INPUT_TOO_LARGE');
  });

  it('takes an input of exactly 1 MiB and refuses one byte more, from a file and from stdin', () => {
    // Hex text padded with white space: exactly 1 MiB decodes, 1 MiB and one byte is too large.
    const exact = join(tmp, 'exact.hex');
    writeFileSync(exact, hex + ' '.repeat(MiB - hex.length));
    const over = join(tmp, 'over.hex');
    writeFileSync(over, hex + ' '.repeat(MiB - hex.length + 1));
    const expected = cli(['decode', '--spec', 'iso87ascii', hex]).stdout;
    expect(cli(['decode', '--spec', 'iso87ascii', exact]).stdout).toBe(expected);
    expect(cliWithStdin(['decode', '--spec', 'iso87ascii'], exact).stdout).toBe(expected);
    const r = cli(['decode', '--spec', 'iso87ascii', over]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(tooLarge);
    expect(cliWithStdin(['decode', '--spec', 'iso87ascii'], over).status).toBe(2);
    // JSON for encode: a message padded with white space.
    const json = join(tmp, 'over.json');
    writeFileSync(json, `{"mti":"0800","fields":{"11":"000001"}}${' '.repeat(MiB)}`);
    expect(cli(['encode', '--spec', 'iso87ascii', json]).stderr).toMatch(tooLarge);
  });
});

describe('iso8583 run() for any input', () => {
  const stdin = (bytes: Uint8Array) =>
    (async function* () {
      yield bytes;
    })();

  async function runCli(argv: string[], input: Uint8Array) {
    let stdout = '';
    let stderr = '';
    const status = await run(argv, {
      stdin: stdin(input),
      stdout: (t) => {
        stdout += typeof t === 'string' ? t : Buffer.from(t).toString('latin1');
      },
      stderr: (t) => {
        stderr += t;
      },
    });
    return { status, stdout, stderr };
  }

  it('answers random and mutated frames with status 0 or 2 and at most one error line, in either format, without the PAN', async () => {
    const seedFrame = createCodec(presets.iso87ascii).encode({ mti: '0100', fields: { 2: PAN, 4: '000000001000', 35: `${PAN}=2812101`, 52: new Uint8Array(8) } });
    const input = fc.oneof(
      fc.uint8Array({ maxLength: 200 }),
      fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })).map(([at, b]) => {
        const copy = Uint8Array.from(seedFrame);
        copy[at % copy.length] = b;
        return copy;
      }),
    );
    const counts = { ok: 0, bad: 0 };
    await fc.assert(
      fc.asyncProperty(input, fc.constantFrom('decode', 'describe'), fc.boolean(), async (bytes, command, json) => {
        const r = await runCli([command, '--spec', 'iso87ascii', '--raw', ...(json ? ['--json'] : []), '-'], bytes);
        expect([0, 2]).toContain(r.status);
        expect(r.stdout + r.stderr).not.toContain(PAN);
        if (r.status === 0) {
          counts.ok++;
          expect(r.stderr).toBe('');
        } else {
          counts.bad++;
          expect(r.stdout).toBe('');
          const line = r.stderr.replace(/\n$/, '');
          expect(line).not.toContain('\n');
          if (json) expect(Object.keys(JSON.parse(line))).toEqual(['code', 'field', 'offset', 'detail']);
          else expect(line).toMatch(/^iso8583: error [A-Z_]+( field \S+)?( at offset \d+)?: /);
        }
      }),
      { numRuns: 200, seed: 8583 },
    );
    expect(counts.ok).toBeGreaterThan(0);
    expect(counts.bad).toBeGreaterThan(0);
  });

  it('stops pulling an endless standard input one chunk past 1 MiB, and closes it', async () => {
    let pulled = 0;
    let closed = false;
    const endless = (async function* () {
      try {
        for (;;) {
          pulled++;
          yield new Uint8Array(64 * 1024);
        }
      } finally {
        closed = true;
      }
    })();
    for (const argv of [['decode', '--spec', 'iso87ascii', '--raw']]) {
      let stderr = '';
      const status = await run(argv, { stdin: endless, stdout: () => undefined, stderr: (t) => (stderr += t) });
      expect(status).toBe(2);
      expect(stderr).toMatch(/^iso8583: error INPUT_TOO_LARGE: standard input is larger than 1048576 bytes/);
    }
    expect(pulled).toBe(17);
    expect(closed).toBe(true);
  });

  it('refuses an input argument above 1 MiB without reading it as a path', async () => {
    const r = await runCli(['decode', '--spec', 'iso87ascii', '0'.repeat(1024 * 1024 + 2)], new Uint8Array(0));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^iso8583: error INPUT_TOO_LARGE: the input argument is larger than 1048576 bytes/);
  });

  it('reports a failure nobody foresaw as UNEXPECTED with status 1, without its text', async () => {
    for (const json of [false, true]) {
      let stderr = '';
      const status = await run(['specs', ...(json ? ['--json'] : [])], {
        stdin: stdin(new Uint8Array(0)),
        stdout: () => {
          throw new Error(`stdout broke on ${PAN}`);
        },
        stderr: (t) => {
          stderr += t;
        },
      });
      expect(status).toBe(1);
      expect(stderr).not.toContain(PAN);
      if (json) expect(JSON.parse(stderr)).toEqual({ code: 'UNEXPECTED', field: null, offset: null, detail: 'could not complete specs' });
      else expect(stderr).toBe('iso8583: error UNEXPECTED: could not complete specs\n');
    }
  });

  it('answers random command lines with status 0, 1 or 2 and never throws', async () => {
    const word = fc.oneof(fc.constantFrom('decode', 'describe', 'encode', 'specs', 'help', '--spec', '-s', 'iso87ascii', '--raw', '--hex', '--unmask', '--json', '--help', '--version', '-', '--', hex), fc.string({ maxLength: 6 }));
    await fc.assert(
      fc.asyncProperty(fc.array(word, { maxLength: 6 }), async (argv) => {
        const r = await runCli(argv, new Uint8Array(0));
        expect([0, 1, 2]).toContain(r.status);
        if (r.status !== 0) expect(r.stderr).toMatch(/^(iso8583: error [A-Z_]+|\{"code":"[A-Z_]+")/);
      }),
      { numRuns: 300, seed: 8583 },
    );
  });
});
