import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { Application, type ProjectReflection } from 'typedoc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { root } from './projects.js';

/**
 * The API reference as `npm run docs` builds it from typedoc.json, rendered to a temporary directory (type errors
 * are the compiler's business, `npx tsc --noEmit` in CI; this checks what the reference looks like).
 */
describe('the API reference (typedoc)', () => {
  const out = mkdtempSync(join(tmpdir(), 'iso8583-api-'));
  let app: Application;
  let project: ProjectReflection;
  beforeAll(async () => {
    app = await Application.bootstrapWithPlugins({ options: join(root, 'typedoc.json'), skipErrorChecking: true, out });
    const converted = await app.convert();
    if (converted === undefined) throw new Error('typedoc could not convert the project');
    project = converted;
    app.validate(project);
    await app.generateDocs(project, out);
  }, 300_000);
  afterAll(() => {
    rmSync(out, { recursive: true, force: true });
  });

  it('builds with no warning and no error', () => {
    expect({ warnings: app.logger.warningCount, errors: app.logger.errorCount }).toEqual({ warnings: 0, errors: 0 });
  });

  it('names each module by its import path, one per code entry of package.json exports', () => {
    const { exports } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { exports: Record<string, unknown> };
    // package.json and the spec schema are JSON files, not modules with an API.
    const importPaths = Object.keys(exports)
      .filter((key) => !key.endsWith('.json'))
      .map((key) => (key === '.' ? 'iso8583-codec' : `iso8583-codec/${key.slice(2)}`));
    expect(project.children?.map((m) => m.name).sort()).toEqual(importPaths.sort());
  });

  it('renders every guide in docs/ and every Markdown file the guides link to as a page, copying no raw .md', () => {
    const pages = new Set(project.documents?.map((d) => `${d.name}.md`));
    for (const guide of readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md'))) expect(pages).toContain(`docs/${guide}`);
    const linked = ['README.md', ...[...pages].filter((p) => p.startsWith('docs/'))].flatMap((file) =>
      [...readFileSync(join(root, file), 'utf8').matchAll(/\]\(([^)#\s]+\.md)(#[^)]*)?\)/g)]
        .map((m) => m[1]!)
        .filter((target) => !/^[a-z]+:/.test(target))
        .map((target) => relative(root, resolve(root, dirname(file), target))),
    );
    expect(linked.length).toBeGreaterThan(10);
    expect(linked.filter((target) => !pages.has(target))).toEqual([]);
    const media = existsSync(join(out, 'media')) ? readdirSync(join(out, 'media')) : [];
    expect(media.filter((f) => f.endsWith('.md'))).toEqual([]);
  });

  it('shows the title once on the front page', () => {
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    expect(html.match(/<h1[\s>]/g)).toHaveLength(1);
  });
});
