import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NetErrorCode } from '../../src/net/index.js';

const read = (file: string): string => readFileSync(new URL(`../../docs/${file}`, import.meta.url), 'utf8');

describe('transport error codes', () => {
  it('each have a row in the errors table of docs/net.md, and no row names another', () => {
    const net = read('net.md');
    const table = net.slice(net.indexOf('## Errors'), net.indexOf('## What is logged'));
    const rows = [...table.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]);
    expect(rows.sort()).toEqual(Object.values(NetErrorCode).sort());
  });

  it('are all listed in docs/errors.md', () => {
    const errors = read('errors.md');
    const line = errors.slice(errors.indexOf('## Transport codes'));
    const listed = [...line.slice(0, line.indexOf('see [net.md]')).matchAll(/`([A-Z_]{4,})`/g)].map((m) => m[1]);
    expect([...new Set(listed)].sort()).toEqual(Object.values(NetErrorCode).sort());
  });
});
