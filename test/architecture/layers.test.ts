import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importEdges, readSourceFiles, type SourceFile } from './import-graph.ts';
import { forbiddenImports, importCycles, layerOf, MAY_IMPORT } from './layer-rules.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

describe('the layer table of docs/architecture.md', () => {
  const edges = importEdges(readSourceFiles(root));

  it('reads the imports of the whole tree', () => {
    expect(edges.length).toBeGreaterThan(1000);
    // This file's own imports, and files of every folder of the table, are among them.
    const mine = edges.filter((e) => e.from === 'test/architecture/layers.test.ts').map((e) => e.to);
    expect(mine).toEqual(['test/architecture/import-graph.ts', 'test/architecture/layer-rules.ts']);
    const folders = new Set(edges.map((e) => layerOf(e.from)));
    for (const folder of Object.keys(MAY_IMPORT)) expect(folders).toContain(folder);
  });

  it('is kept by every import', () => {
    expect(forbiddenImports(edges)).toEqual([]);
  });

  it('has no import cycle', () => {
    expect(importCycles(edges).map((cycle) => cycle.join(' -> '))).toEqual([]);
  });
});

describe('the layer checker', () => {
  const synthetic: SourceFile[] = [
    {
      path: 'bots/http/compat/png-info.ts',
      text: "import { readPngText } from '../../../renderer/image/png-text.ts';\n// import x from '../../../bin/main.ts';\n",
    },
    { path: 'renderer/image/png-text.ts', text: "export * from '../../core/errors.ts';\n" },
    {
      path: 'core/job/a.ts',
      text: "import type { B } from './b.ts';\nconst q = await import('../../queue/x.ts');\n",
    },
    { path: 'core/job/b.ts', text: "export { a } from './c.ts';\nconst s = \"import '../../bots/y.ts'\";\n" },
    { path: 'core/job/c.ts', text: "import type { A } from './a.ts';\n" },
    { path: 'core/errors.ts', text: "import fs from 'node:fs';\nimport { z } from 'zod';\n" },
    { path: 'core/self.ts', text: "export * from './self.ts';\n" },
    {
      path: 'bin/main.ts',
      text: "import '../bots/http/compat/png-info.ts';\nimport '../test/helpers/x.ts';\n",
    },
    { path: 'test/all.ts', text: "import '../bin/main.ts';\nimport '../bench/run.ts';\n" },
  ];
  const edges = importEdges(synthetic);

  it('names the file and the import of each forbidden arrow, and nothing in comments or strings', () => {
    expect(forbiddenImports(edges)).toEqual([
      "bots/http/compat/png-info.ts imports '../../../renderer/image/png-text.ts': bots/ may not import renderer/ (may import core/, queue/)",
      "core/job/a.ts imports '../../queue/x.ts': core/ may not import queue/ (may import nothing of ours)",
      "bin/main.ts imports '../test/helpers/x.ts': bin/ may not import test/ (may import core/, queue/, renderer/, bots/, models/)",
    ]);
  });

  it('reports each cycle with its files in import order, type-only imports included', () => {
    expect(importCycles(edges)).toEqual([
      ['core/job/a.ts', 'core/job/b.ts', 'core/job/c.ts', 'core/job/a.ts'],
      ['core/self.ts', 'core/self.ts'],
    ]);
  });
});
