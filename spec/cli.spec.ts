import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
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
    expect(existsSync(CLI)).toBe(true);
  });

  it('decodes a hex argument to JSON', () => {
    const r = cli(['decode', '--spec', 'iso87ascii', hex]);
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
    const json = cli(['decode', '--spec', 'iso87ascii', hex]).stdout;
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
    expect(cli(['specs']).stdout.split('\n')).toEqual(['iso87ascii', 'iso87binary', 'iso87ebcdic', '']);
  });

  it.runIf(existsSync(join(__dirname, '..', 'fixtures', 'ascii-0100-purchase.hex')))(
    'decodes the fixture that npm start shows',
    () => {
      const r = cli(['decode', '--spec', 'iso87ascii', join(__dirname, '..', 'fixtures', 'ascii-0100-purchase.hex')]);
      expect(r.status).toBe(0);
      expect(JSON.parse(r.stdout).mti).toBe('0100');
    },
  );
});
