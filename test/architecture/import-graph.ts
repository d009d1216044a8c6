// Every import arrow between our own .ts files: static imports and re-exports, dynamic
// `import('...')` and `typeof import('...')`, type-only ones included (a type cycle is a cycle).
// TypeScript's own pre-processor finds them, so comments and strings never count as imports.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

export interface SourceFile {
  /** Path from the project root with `/` separators, e.g. `bots/http/server.ts`. */
  path: string;
  text: string;
}

export interface ImportEdge {
  from: string;
  /** The import as written, e.g. `../../renderer/image/png-text.ts`. */
  specifier: string;
  /** The imported file, from the project root. */
  to: string;
}

const SKIPPED_DIRS = new Set(['node_modules', 'var']);

export function readSourceFiles(root: string): SourceFile[] {
  const files: SourceFile[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
      if (entry.name.startsWith('.') || SKIPPED_DIRS.has(entry.name)) continue;
      const relative = dir === '' ? entry.name : `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(relative);
      else if (entry.name.endsWith('.ts')) {
        files.push({ path: relative, text: readFileSync(path.join(root, relative), 'utf8') });
      }
    }
  };
  walk('');
  return files.sort((a, b) => a.path.localeCompare(b.path));
}

/** Relative imports only: packages and `node:` builtins are not ours. */
export function importEdges(files: SourceFile[]): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const file of files) {
    for (const { fileName: specifier } of ts.preProcessFile(file.text, true, true).importedFiles) {
      if (!specifier.startsWith('./') && !specifier.startsWith('../')) continue;
      const to = path.posix.normalize(path.posix.join(path.posix.dirname(file.path), specifier));
      edges.push({ from: file.path, specifier, to });
    }
  }
  return edges;
}
