import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importCycles, importGraph } from './import-graph.js';
import { root } from './projects.js';

const src = join(root, 'src');

/** Lines a module of src/ may have at most: past this, it holds more than one job and is split. */
const MAX_LINES = 300;

/**
 * Files allowed over {@link MAX_LINES}, each with the reason. Keep this list short and shrinking.
 */
const OVER_LIMIT: ReadonlySet<string> = new Set<string>([]);

describe('the layout of src/', () => {
  const graph = importGraph(src);

  it('reads every module and its relative imports', () => {
    expect(graph.get('index.ts')).toContain('message/codec.ts');
    expect(graph.get('message/compile-field.ts')).toContain('subfields/compile-layout.ts');
  });

  it('has no import cycle (type-only imports included): data flows cursor → field → layout', () => {
    expect(importCycles(graph).map((cycle) => cycle.join(' → '))).toEqual([]);
  });

  const lines = (file: string): number => readFileSync(join(src, file), 'utf8').split('\n').length - 1;

  it(`has no module over ${MAX_LINES} lines but the allowed ones`, () => {
    const over = [...graph.keys()].filter((file) => !OVER_LIMIT.has(file) && lines(file) > MAX_LINES);
    expect(over.map((file) => `${file}: ${lines(file)} lines`)).toEqual([]);
  });

  it('allows only files that exist and are still over the limit', () => {
    // An entry for a file that was split, renamed or shrunk is removed, so the list never hides a new long file.
    const stale = [...OVER_LIMIT].filter((file) => !graph.has(file) || lines(file) <= MAX_LINES);
    expect(stale).toEqual([]);
  });
});

describe('the cycle finder', () => {
  it('names a cycle as the path that closes it', () => {
    const graph = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts', 'd.ts']],
      ['d.ts', []],
    ]);
    expect(importCycles(graph)).toEqual([['a.ts', 'b.ts', 'c.ts', 'a.ts']]);
  });

  it('finds a module that imports itself and each separate cycle once', () => {
    const graph = new Map([
      ['a.ts', ['a.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['b.ts']],
      ['d.ts', ['b.ts']],
    ]);
    expect(importCycles(graph).sort()).toEqual([
      ['a.ts', 'a.ts'],
      ['b.ts', 'c.ts', 'b.ts'],
    ]);
  });

  it('finds nothing in a graph that only flows one way', () => {
    expect(importCycles(new Map([['a.ts', ['b.ts']], ['b.ts', ['c.ts']], ['c.ts', []]]))).toEqual([]);
  });
});
