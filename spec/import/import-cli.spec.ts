import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import { createCodec, importJposPackager, importMoovSpec, importPyiso8583Spec, specFromJSON, toHex } from '../../src/index.js';
import { FIXTURES } from '../helpers/fixtures.js';

/** Runs the CLI in-process with `stdin` as its standard input; returns status, stdout and stderr. */
async function cli(args: string[], stdin = '') {
  let stdout = '';
  let stderr = '';
  const status = await run(args, {
    stdin: (async function* () {
      if (stdin !== '') yield stdin;
    })(),
    stdout: (t) => {
      stdout += typeof t === 'string' ? t : Buffer.from(t).toString('latin1');
    },
    stderr: (t) => {
      stderr += t;
    },
  });
  return { status, stdout, stderr };
}

const jpos = join(FIXTURES, 'jpos', 'binary.xml');
const moov = join(FIXTURES, 'moov', 'ascii.json');

describe('iso8583 import', () => {
  it('prints a jPOS packager file as the JSON spec importJposPackager returns, which --spec takes', async () => {
    const r = await cli(['import', 'jpos', jpos]);
    expect(r).toMatchObject({ status: 0, stderr: '' });
    expect(specFromJSON(r.stdout)).toEqual(importJposPackager(readFileSync(jpos, 'utf8')));
  });

  it('prints a spec that decode --spec takes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'iso8583-import-'));
    const path = join(dir, 'spec.json');
    writeFileSync(path, (await cli(['import', 'jpos', join(FIXTURES, 'jpos', 'ascii.xml')])).stdout);
    const frame = toHex(createCodec(importJposPackager(readFileSync(join(FIXTURES, 'jpos', 'ascii.xml'), 'utf8'))).encode({ mti: '0800', fields: { 70: '301' } }));
    const r = await cli(['decode', '--spec', path, frame]);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ mti: '0800', fields: { 70: '301' } });
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints a moov spec as the JSON spec importMoovSpec returns, reading stdin for - or no file', async () => {
    const text = readFileSync(moov, 'utf8');
    const fromFile = await cli(['import', 'moov', moov]);
    expect(fromFile.status).toBe(0);
    expect(specFromJSON(fromFile.stdout)).toEqual(importMoovSpec(text));
    expect((await cli(['import', 'moov', '-'], text)).stdout).toBe(fromFile.stdout);
    expect((await cli(['import', 'moov'], text)).stdout).toBe(fromFile.stdout);
  });

  it('prints a pyiso8583 spec as the JSON spec importPyiso8583Spec returns', async () => {
    const path = join(FIXTURES, 'pyiso8583', 'spec.json');
    const r = await cli(['import', 'pyiso8583', path]);
    expect(r.status).toBe(0);
    expect(specFromJSON(r.stdout)).toEqual(importPyiso8583Spec(readFileSync(path, 'utf8')));
  });

  it('reports a refusal as an INVALID_SPEC line with the field, exit status 2', async () => {
    const r = await cli(['import', 'jpos', '-'], '<isopackager><isofield id="0" length="4" class="org.jpos.iso.IFA_NUMERIC"/><isofield id="1" length="16" class="org.jpos.iso.IFB_BITMAP"/><isofield id="52" length="8" class="org.jpos.iso.IFE_BINARY"/></isopackager>');
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^iso8583: error INVALID_SPEC field 52: jPOS packager, line 1, column \d+: class IFE_BINARY cannot be mapped: .*\n$/);
    const json = await cli(['import', 'moov', '--json', '-'], '{');
    expect(json.status).toBe(2);
    expect(JSON.parse(json.stderr)).toEqual({ code: 'INVALID_SPEC', field: null, offset: null, detail: 'moov spec: the text is not valid JSON' });
  });

  it('refuses a missing or unknown format and extra arguments with status 1 and its usage', async () => {
    const none = await cli(['import']);
    expect(none.status).toBe(1);
    expect(none.stderr).toContain('import needs a format: jpos, moov or pyiso8583');
    expect(none.stderr).toContain('Usage: iso8583 import <jpos | moov | pyiso8583>');
    expect((await cli(['import', 'xml', jpos])).stderr).toContain('import knows no format xml (jpos, moov, pyiso8583)');
    expect((await cli(['import', '4111111111111111'])).stderr).not.toContain('4111111111111111');
    expect((await cli(['import', 'jpos', jpos, 'extra'])).stderr).toContain('import takes a format and one input at most, got 3 arguments');
    expect((await cli(['import', 'jpos', '--spec', 'iso87ascii', jpos])).stderr).toContain('import does not take --spec');
  });

  it('is in the usage and has its own help', async () => {
    expect((await cli(['--help'])).stdout).toContain('iso8583 import   <jpos | moov | pyiso8583> [--ebcdic <code page>] [--json] [file | -]');
    const help = await cli(['import', '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('iso8583 import jpos packager.xml >');
    expect(help.stdout).toContain('--ebcdic <code page> (moov only)');
    expect(help.stdout).toContain('iso8583 import moov --ebcdic ebcdic037 spec.json > ours.json');
  });

  it('exits 2 for a file it cannot read, without repeating the path', async () => {
    const r = await cli(['import', 'jpos', '/nonexistent/4111111111111111.xml']);
    expect(r.status).toBe(2);
    expect(r.stderr).not.toContain('4111111111111111');
  });
});

describe('iso8583 import moov --ebcdic', () => {
  const ebcdic = join(FIXTURES, 'moov', 'ebcdic.json');
  const text = readFileSync(ebcdic, 'utf8');

  it.each(['ebcdic037', 'ebcdic500', 'ebcdic1047'] as const)('prints the spec importMoovSpec returns with the ebcdic option %s, given as --ebcdic x or --ebcdic=x', async (page) => {
    const r = await cli(['import', 'moov', '--ebcdic', page, ebcdic]);
    expect(r).toMatchObject({ status: 0, stderr: '' });
    expect(specFromJSON(r.stdout)).toEqual(importMoovSpec(text, { ebcdic: page }));
    expect(specFromJSON(r.stdout).fields[43]!.encoding).toBe(page);
    expect((await cli(['import', 'moov', `--ebcdic=${page}`, '-'], text)).stdout).toBe(r.stdout);
  });

  it('prints a spec that decode --spec takes, reading moov EBCDIC in the code page given', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'iso8583-import-'));
    const path = join(dir, 'spec.json');
    writeFileSync(path, (await cli(['import', 'moov', '--ebcdic', 'ebcdic500', ebcdic])).stdout);
    // MTI "0800" in EBCDIC, a bitmap of field 43 alone, "03" and "HI!" with "!" at 4F as code page 500 has it.
    const r = await cli(['decode', '--spec', path, 'F0F8F0F0 0000000000200000 F0F3 C8C94F']);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ mti: '0800', fields: { 43: 'HI!' } });
    rmSync(dir, { recursive: true, force: true });
  });

  it('without --ebcdic refuses a spec that uses moov EBCDIC, naming the field and the option, exit status 2', async () => {
    const r = await cli(['import', 'moov', ebcdic]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^iso8583: error INVALID_SPEC field 0: moov spec: enc EBCDIC is moov's own table, .*--ebcdic.*\n$/);
  });

  it('refuses a code page it has no converter for with status 1 and the usage, quoting only a plain name', async () => {
    const r = await cli(['import', 'moov', '--ebcdic', 'cp500', ebcdic]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^iso8583: error USAGE: --ebcdic takes ebcdic037, ebcdic500, ebcdic1047, got cp500\nUsage: iso8583 import /);
    const pan = await cli(['import', 'moov', '--ebcdic', '4111111111111111', ebcdic]);
    expect(pan.status).toBe(1);
    expect(pan.stderr).toContain('--ebcdic takes ebcdic037, ebcdic500, ebcdic1047, got a value not shown');
    expect(pan.stderr).not.toContain('4111111111111111');
    const json = await cli(['import', 'moov', '--json', '--ebcdic=EBCDIC', ebcdic]);
    expect(JSON.parse(json.stderr)).toEqual({ code: 'USAGE', field: null, offset: null, detail: '--ebcdic takes ebcdic037, ebcdic500, ebcdic1047, got EBCDIC' });
  });

  it('refuses --ebcdic for another format or command, without a value, and twice', async () => {
    expect((await cli(['import', 'jpos', '--ebcdic', 'ebcdic037', jpos])).stderr).toMatch(/^iso8583: error USAGE: --ebcdic is for import moov only: it says which code page moov's EBCDIC encoding is\n/);
    expect((await cli(['import', 'pyiso8583', '--ebcdic', 'ebcdic037', '-'], '{}')).status).toBe(1);
    expect((await cli(['decode', '--spec', 'iso87ascii', '--ebcdic', 'ebcdic037', '0800'])).stderr).toMatch(/^iso8583: error USAGE: decode does not take --ebcdic\n/);
    for (const args of [['import', 'moov', ebcdic, '--ebcdic'], ['import', 'moov', '--ebcdic', '--json', ebcdic], ['import', 'moov', '--ebcdic=', ebcdic]]) {
      const r = await cli(args);
      expect(r.status).toBe(1);
      expect(r.stderr).toContain('--ebcdic needs a value: a code page, ebcdic037, ebcdic500 or ebcdic1047');
    }
    expect((await cli(['import', 'moov', '--ebcdic', 'ebcdic037', '--ebcdic', 'ebcdic500', ebcdic])).stderr).toContain('--ebcdic is given more than once');
  });
});
