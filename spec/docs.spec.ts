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

/** The package's entry points by import specifier: blocks import these and compile against the sources. */
const entryPoints = { 'iso8583-codec': 'src/index.ts', 'iso8583-codec/testing': 'src/testing/index.ts', 'iso8583-codec/net': 'src/net/index.ts' };

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
    expect(typeProblems('doc-blocks', all)).toEqual([]);
  }, 60_000);
});

/**
 * The `@example` blocks of the JSDoc (the API reference typedoc builds) compile too. An example shows one call, so
 * it may lean on a fixed context instead of spelling out its setup: every export of the three entry points that it
 * does not import or declare itself, and the values in {@link exampleContext} that it does not declare itself.
 */
const exampleContext: Record<string, string> = {
  frame: 'declare const frame: Uint8Array;',
  text: 'declare const text: string;',
  codec: 'declare const codec: __Codec<__Infer<typeof __presets.iso87ascii>>;',
  reply: 'declare const reply: __Infer<typeof __presets.iso87ascii>;',
  spec: 'declare const spec: typeof __presets.iso87ascii;',
  northwind: 'declare const northwind: __MessageSpec;',
  socket: "declare const socket: import('node:net').Socket;",
  client: "declare const client: import('iso8583-codec/net').Client;",
  handle: 'declare function handle(message: __Infer<typeof __presets.iso87ascii>): void;',
  myHandler: 'declare function myHandler(message: __Infer<typeof __presets.iso87ascii>): { fields: { 39?: string | undefined } };',
  fc: "import fc from 'fast-check';",
  expect: "import { expect } from 'vitest';",
  readFileSync: "import { readFileSync } from 'node:fs';",
  writeFileSync: "import { writeFileSync } from 'node:fs';",
};

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

function jsdocExamples(file: string): Block[] {
  const lines = readFileSync(join(root, file), 'utf8').split('\n');
  const out: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^\s*\* @example\s*$/.test(lines[i]!) || !/^\s*\* ```ts\s*$/.test(lines[i + 1] ?? '')) continue;
    let j = i + 2;
    while (j < lines.length && !/^\s*\* ```\s*$/.test(lines[j]!)) j++;
    const code = lines.slice(i + 2, j).map((l) => l.replace(/^\s*\* ?/, '')).join('\n');
    out.push({ file, line: i + 2, code, preamble: '' });
    i = j;
  }
  return out;
}

/** Names a block binds at its top level (imports and declarations): the context must not bind them again. */
function boundNames(code: string): Set<string> {
  const names = new Set<string>();
  const add = (n: ts.BindingName | ts.Identifier | undefined): void => {
    if (n !== undefined && ts.isIdentifier(n)) names.add(n.text);
  };
  for (const st of ts.createSourceFile('block.ts', code, ts.ScriptTarget.ES2022).statements) {
    if (ts.isImportDeclaration(st) && st.importClause !== undefined) {
      add(st.importClause.name);
      const nb = st.importClause.namedBindings;
      if (nb !== undefined && ts.isNamespaceImport(nb)) add(nb.name);
      if (nb !== undefined && ts.isNamedImports(nb)) nb.elements.forEach((e) => add(e.name));
    } else if (ts.isVariableStatement(st)) st.declarationList.declarations.forEach((d) => add(d.name));
    else if (ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st) || ts.isTypeAliasDeclaration(st) || ts.isInterfaceDeclaration(st)) add(st.name);
  }
  return names;
}

/** Every public export: the entry point that first exports it, and its declaration. */
function publicExports(): Map<string, { specifier: string; declaration: ts.Declaration | undefined }> {
  const program = ts.createProgram(Object.values(entryPoints).map((f) => join(root, f)), { strict: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext });
  const checker = program.getTypeChecker();
  const owner = new Map<string, { specifier: string; declaration: ts.Declaration | undefined }>();
  for (const [specifier, file] of Object.entries(entryPoints)) {
    const symbol = checker.getSymbolAtLocation(program.getSourceFile(join(root, file))!)!;
    for (const e of checker.getExportsOfModule(symbol)) {
      const target = e.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(e) : e;
      if (!owner.has(e.name)) owner.set(e.name, { specifier, declaration: target.declarations?.[0] });
    }
  }
  return owner;
}

describe('@example blocks in the JSDoc', () => {
  const examples = sourceFiles('src').flatMap(jsdocExamples);

  const exported = publicExports();

  it('accompany every exported function', () => {
    const without = [...exported]
      .filter(([, { declaration }]) => declaration !== undefined && ts.isFunctionDeclaration(declaration))
      .filter(([, { declaration }]) => !ts.getJSDocTags(declaration!).some((t) => t.tagName.text === 'example'))
      .map(([name]) => name);
    expect(without).toEqual([]);
    expect(examples.length).toBeGreaterThan(40);
  });

  it('type-check against the library, with the documented context', () => {
    const withContext = examples.map((b) => {
      const bound = boundNames(b.code);
      const imports = new Map<string, string[]>();
      for (const [name, { specifier }] of exported) {
        if (bound.has(name) || name in exampleContext) continue;
        imports.set(specifier, [...(imports.get(specifier) ?? []), name]);
      }
      const preamble = [
        "import type { Codec as __Codec, Infer as __Infer, MessageSpec as __MessageSpec } from 'iso8583-codec';",
        "import { presets as __presets } from 'iso8583-codec';",
        ...[...imports].map(([specifier, names]) => `import { ${names.join(', ')} } from '${specifier}';`),
        ...Object.entries(exampleContext).filter(([name]) => !bound.has(name)).map(([, line]) => line),
      ].join(' ');
      return { ...b, preamble };
    });
    expect(typeProblems('jsdoc-examples', withContext)).toEqual([]);
  }, 60_000);
});

/** Compiles each block (its preamble on its first line) as a module against the sources; returns located problems. */
function typeProblems(dirName: string, all: readonly Block[]): string[] {
  const dir = join(root, '.tmp', dirName);
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
    paths: Object.fromEntries(Object.entries(entryPoints).map(([specifier, file]) => [specifier, [join(root, file)]])),
  });
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file !== undefined && d.file.fileName.startsWith(dir))
    .map((d) => {
      const k = Number(/block(\d+)\.ts$/.exec(d.file!.fileName)![1]);
      const b = all[k]!;
      const { line } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
      return `${b.file}:${b.line + line}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
    });
}
