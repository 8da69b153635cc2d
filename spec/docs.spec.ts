import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import * as docContext from './helpers/doc-context.js';

/**
 * The TypeScript code blocks of the README and the guides compile against the library's sources and run, so the
 * docs never rot. What a block may say on the line just above its fence:
 *
 * - `<!-- context: frame, reply -->`: it uses these names from its context, real values exported by
 *   spec/helpers/doc-context.ts (a fixture frame, a request, a peer's `port` on 127.0.0.1, recording functions);
 *   the block is compiled and run with them imported.
 * - `<!-- no-run: why -->`: it is compiled but cannot run on its own; `skip: why`: an illustrative fragment,
 *   neither compiled nor run. Both are listed in {@link NOT_RUN}, so no block is left out silently.
 * - nothing: it is compiled and run as it stands.
 *
 * A running block must complete without throwing (top-level `await` included). A line that prints with
 * `console.log`, `console.warn` or `console.error` and whose `//` comment ends in `→ text` must print exactly
 * `text` each time it runs (as `util.format` of its arguments, the way the console prints them; `…` stands for any
 * run of characters), and must print at least once. A plain fence with `<!-- output -->` above it shows an excerpt
 * of what the block before it prints: each of its lines is a whole printed line, in the same order (a line `…`
 * stands for lines left out).
 */
const root = fileURLToPath(new URL('..', import.meta.url));
const docs = ['README.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => join('docs', f))];

/** The blocks that do not run, as `file:line (why)`: a new one must be added here, on purpose. */
const NOT_RUN: readonly string[] = [];

/** The package's entry points by import specifier: blocks import these and compile against the sources. */
const entryPoints = { 'iso8583-codec': 'src/index.ts', 'iso8583-codec/testing': 'src/testing/index.ts', 'iso8583-codec/net': 'src/net/index.ts', 'iso8583-codec/security': 'src/security/index.ts' };

interface Block {
  readonly file: string;
  readonly line: number;
  readonly code: string;
  readonly preamble: string;
}

interface DocBlock extends Block {
  /** Names the block takes from spec/helpers/doc-context.ts. */
  readonly context: readonly string[];
  /** Why it does not run, when it does not; `skip` blocks are not compiled either. */
  readonly notRun?: { readonly kind: 'no-run' | 'skip'; readonly why: string };
  /** Lines of the `<!-- output -->` excerpt after it. */
  readonly output?: readonly string[];
}

/** Where generated block files live, two levels below the root like spec/helpers (the context's import path). */
const contextImport = '../../spec/helpers/doc-context.js';
/** This run's own folder of runnable blocks: another run of the suite at the same time has its own. */
const runDir = join(root, '.tmp', `doc-run-${process.pid}`);

/** Parses the markdown blocks of `file`; marker mistakes (an unknown marker, an output excerpt without a running block) go to `problems`. */
function blocks(file: string, problems: string[]): DocBlock[] {
  const lines = readFileSync(join(root, file), 'utf8').split('\n');
  const out: DocBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const fence = /^```(\S*)\s*$/.exec(lines[i]!);
    if (fence === null) continue;
    let j = i + 1;
    while (j < lines.length && !lines[j]!.startsWith('```')) j++;
    const body = lines.slice(i + 1, j);
    const marker = /^<!-- (.*) -->$/.exec(lines[i - 1] ?? '')?.[1];
    const at = `${file}:${i + 1}`;
    if (fence[1] === 'ts' || fence[1] === 'typescript') {
      const context = /^context: ([\w$]+(?:, [\w$]+)*)$/.exec(marker ?? '')?.[1]?.split(', ') ?? [];
      const notRun = /^(no-run|skip): (.+)$/.exec(marker ?? '');
      if (marker !== undefined && context.length === 0 && notRun === null) problems.push(`${at}: unknown marker <!-- ${marker} -->`);
      for (const name of context) if (!(name in docContext)) problems.push(`${at}: the doc context has no ${name}`);
      const preamble = context.length === 0 ? '' : `import { ${context.join(', ')} } from '${contextImport}';`;
      out.push({
        file,
        line: i + 1,
        code: body.join('\n'),
        preamble,
        context,
        ...(notRun === null ? {} : { notRun: { kind: notRun[1] as 'no-run' | 'skip', why: notRun[2]! } }),
      });
    } else if (marker === 'output') {
      const last = out.at(-1);
      if (fence[1] !== '' || last === undefined || last.notRun !== undefined || last.output !== undefined) {
        problems.push(`${at}: an output excerpt needs a plain fence after a block that runs`);
      } else out[out.length - 1] = { ...last, output: body.map((l) => l.trimEnd()) };
    }
    i = j;
  }
  return out;
}

const markerProblems: string[] = [];
const all = docs.flatMap((f) => blocks(f, markerProblems));
const notRunList = all.filter((b) => b.notRun !== undefined).map((b) => `${b.file}:${b.line} (${b.notRun!.kind}: ${b.notRun!.why})`);
const running = all.filter((b) => b.notRun === undefined);

/** The pattern of a `// → text` expectation: the text exactly, `…` standing for any run of characters. */
function expectation(text: string): RegExp {
  return new RegExp(`^${text.split('…').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[\\s\\S]*')}$`);
}

/** Writes `block` as a module that imports its context and prints through the context's recorder; returns its URL. */
function runnable(block: DocBlock, k: number): string {
  mkdirSync(runDir, { recursive: true });
  const path = join(runDir, `block${k}.ts`);
  const code = block.code
    .split('\n')
    .map((l, n) => l.replace(/\bconsole\.(log|warn|error)\(/g, `__docPrint(${n + 1}, `))
    .join('\n');
  writeFileSync(path, `${block.preamble} import { __docPrint } from '${contextImport}';\n${code}\nexport {};\n`);
  return pathToFileURL(path).href;
}

describe('code blocks in the docs', () => {
  afterAll(async () => {
    await docContext.closeDocContext();
    rmSync(runDir, { recursive: true, force: true });
  });

  it('exist in the README and the guides, with markers the suite knows', () => {
    expect(all.length).toBeGreaterThan(10);
    expect(markerProblems).toEqual([]);
  });

  it(`run, all but the ${NOT_RUN.length} listed in NOT_RUN (${running.length} of ${all.length} run)`, () => {
    expect(notRunList).toEqual(NOT_RUN);
  });

  it('type-check against the library', () => {
    expect(typeProblems('doc-blocks', all.filter((b) => b.notRun?.kind !== 'skip'))).toEqual([]);
  }, 300_000);

  running.forEach((block, k) => {
    const arrows = block.code.split('\n').flatMap((l, n) => {
      const m = /\/\/.*?→ (.*)$/.exec(l);
      return m === null ? [] : [{ line: n + 1, text: m[1]!.trimEnd(), prints: /\bconsole\.(log|warn|error)\(/.test(l) }];
    });
    const shows = [arrows.length > 0 ? `prints what its ${arrows.length} → comments say` : '', block.output ? 'prints its output excerpt' : ''].filter(Boolean);
    it(`${block.file}:${block.line} runs${block.context.length > 0 ? ` with ${block.context.join(', ')}` : ''}${shows.length > 0 ? ` and ${shows.join(' and ')}` : ''}`, async () => {
      docContext.printed.length = 0;
      await import(runnable(block, k));
      const printed = [...docContext.printed];
      for (const arrow of arrows) {
        expect(arrow.prints, `${block.file}:${block.line + arrow.line}: a → comment on a line that prints nothing`).toBe(true);
        const texts = printed.filter((p) => p.line === arrow.line).map((p) => p.text);
        expect(texts.length, `${block.file}:${block.line + arrow.line} printed nothing`).toBeGreaterThan(0);
        for (const text of texts) expect(text, `${block.file}:${block.line + arrow.line}`).toMatch(expectation(arrow.text));
      }
      if (block.output !== undefined) {
        const lines = printed.flatMap((p) => p.text.split('\n').map((l) => l.trimEnd()));
        let at = 0;
        for (const want of block.output.filter((l) => l !== '…')) {
          const found = lines.indexOf(want, at);
          expect(found, `${block.file}:${block.line}: the output excerpt line ${JSON.stringify(want)} is not printed (after the lines before it)`).toBeGreaterThanOrEqual(0);
          at = found + 1;
        }
      }
    }, 30_000);
  });
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
  }, 300_000);
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
