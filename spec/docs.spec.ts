import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The TypeScript code blocks of the README and the guides compile against the library's sources, so the docs
 * never rot. A block may be preceded by `<!-- check: declare const frame: Uint8Array; -->` to declare what it
 * assumes from its context, or by `<!-- check: skip -->` for an illustrative fragment.
 */
const root = fileURLToPath(new URL('..', import.meta.url));
const docs = ['README.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => join('docs', f))];

interface Block {
  readonly file: string;
  readonly line: number;
  readonly code: string;
  readonly preamble: string;
}

function blocks(file: string): Block[] {
  const lines = readFileSync(join(root, file), 'utf8').split('\n');
  const out: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^```(ts|typescript)\s*$/.test(lines[i]!)) continue;
    const check = /^<!-- check: (.*) -->$/.exec(lines[i - 1] ?? '')?.[1] ?? '';
    let j = i + 1;
    while (j < lines.length && !lines[j]!.startsWith('```')) j++;
    if (check !== 'skip') out.push({ file, line: i + 1, code: lines.slice(i + 1, j).join('\n'), preamble: check });
    i = j;
  }
  return out;
}

describe('code blocks in the docs', () => {
  const all = docs.flatMap(blocks);

  it('exist in the README and the guides', () => {
    expect(all.length).toBeGreaterThan(10);
  });

  it('type-check against the library', () => {
    const dir = join(root, '.tmp', 'doc-blocks');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const files = all.map((b, k) => {
      const path = join(dir, `block${k}.ts`);
      writeFileSync(path, `${b.preamble}\n${b.code}\nexport {};\n`);
      return path;
    });
    const program = ts.createProgram(files, {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      skipLibCheck: true,
      types: ['node'],
      paths: {
        'iso8583-codec': [join(root, 'src', 'index.ts')],
        'iso8583-codec/testing': [join(root, 'src', 'testing', 'index.ts')],
        'iso8583-codec/net': [join(root, 'src', 'net', 'index.ts')],
      },
    });
    const problems = ts
      .getPreEmitDiagnostics(program)
      .filter((d) => d.file !== undefined && d.file.fileName.startsWith(dir))
      .map((d) => {
        const k = Number(/block(\d+)\.ts$/.exec(d.file!.fileName)![1]);
        const b = all[k]!;
        const { line } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
        return `${b.file}:${b.line + line}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
      });
    expect(problems).toEqual([]);
  }, 60_000);
});
