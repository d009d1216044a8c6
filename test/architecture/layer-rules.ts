// The layer table of docs/architecture.md as data, and the two checks CI runs on the import
// arrows: no arrow the table forbids, no cycle.
import type { ImportEdge } from './import-graph.ts';

const EVERYTHING = ['core', 'queue', 'renderer', 'bots', 'models', 'bin', 'test', 'bench'];

/** What each top-level folder may import besides itself. */
export const MAY_IMPORT: Record<string, readonly string[]> = {
  core: [],
  queue: ['core', 'renderer'],
  renderer: ['core'],
  bots: ['core', 'queue'],
  models: ['core', 'renderer'],
  bin: ['core', 'queue', 'renderer', 'bots', 'models'],
  test: EVERYTHING,
  bench: EVERYTHING,
};

/** `bots/http/server.ts` -> `bots`; a file at the root (vitest.config.ts) has no layer. */
export function layerOf(file: string): string | undefined {
  const slash = file.indexOf('/');
  return slash === -1 ? undefined : file.slice(0, slash);
}

export function forbiddenImports(edges: ImportEdge[]): string[] {
  const problems: string[] = [];
  for (const edge of edges) {
    const from = layerOf(edge.from);
    if (from === undefined) continue;
    const to = layerOf(edge.to);
    if (to === from) continue;
    const allowed = MAY_IMPORT[from];
    if (allowed === undefined) {
      problems.push(`${edge.from}: folder ${from}/ is not in the layer table`);
    } else if (to === undefined || !allowed.includes(to)) {
      const target = to === undefined ? 'the project root' : `${to}/`;
      const may = allowed.length === 0 ? 'nothing of ours' : allowed.map((l) => `${l}/`).join(', ');
      problems.push(
        `${edge.from} imports '${edge.specifier}': ${from}/ may not import ${target} (may import ${may})`,
      );
    }
  }
  return problems;
}

/**
 * Each cycle as its files in import order, the first file repeated at the end: one shortest
 * cycle per strongly connected group (Tarjan), so a knot of many files is reported once.
 */
export function importCycles(edges: ImportEdge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const { from, to } of edges) {
    const targets = next.get(from) ?? [];
    if (!targets.includes(to)) targets.push(to);
    next.set(from, targets);
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    onStack.add(node);
    for (const target of next.get(node) ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(node, Math.min(low.get(node)!, low.get(target)!));
      } else if (onStack.has(target)) {
        low.set(node, Math.min(low.get(node)!, index.get(target)!));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const group: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      group.push(member);
    } while (member !== node);
    if (group.length > 1 || next.get(node)?.includes(node)) groups.push(group.sort());
  };
  for (const node of [...next.keys()].sort()) if (!index.has(node)) visit(node);
  return groups.map((group) => shortestCycle(group[0], new Set(group), next)).sort();
}

function shortestCycle(start: string, group: Set<string>, next: Map<string, string[]>): string[] {
  const cameFrom = new Map<string, string>();
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    const node = queue[i];
    for (const target of next.get(node) ?? []) {
      if (target === start) {
        const cycle = [start];
        for (let at = node; at !== start; at = cameFrom.get(at)!) cycle.splice(1, 0, at);
        return [...cycle, start];
      }
      if (group.has(target) && !cameFrom.has(target)) {
        cameFrom.set(target, node);
        queue.push(target);
      }
    }
  }
  throw new Error(`${start} is in a cycle group but no cycle leads back to it`);
}
