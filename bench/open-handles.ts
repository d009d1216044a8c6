// What keeps this Node process alive, in words: sockets with their peers, servers with their
// addresses, child processes with their command lines, and counts of the other resources (timers,
// ...). Used to name what a bench left open. Worker threads are not listed by Node itself.
import type { ChildProcess } from 'node:child_process';
import net from 'node:net';

type HandleLister = { _getActiveHandles?: () => unknown[] };

export function describeOpenHandles(): string {
  const lines: string[] = [];
  // Node's own (undocumented) list of handles: the only place that gives the objects themselves.
  const handles = (process as unknown as HandleLister)._getActiveHandles?.() ?? [];
  const stdio = new Set<unknown>([process.stdin, process.stdout, process.stderr]);
  for (const handle of handles) {
    if (stdio.has(handle)) continue;
    const line = describeHandle(handle);
    if (line) lines.push(`  ${line}`);
  }
  // Everything else by kind (timers are not in the handle list above).
  const counts = new Map<string, number>();
  for (const kind of process.getActiveResourcesInfo()) {
    if (kind === 'Timeout' || kind === 'Immediate' || kind.startsWith('FS')) {
      counts.set(kind, (counts.get(kind) ?? 0) + 1);
    }
  }
  for (const [kind, count] of counts) lines.push(`  ${count} ${kind}${count > 1 ? 's' : ''}`);
  if (lines.length === 0) lines.push('  nothing Node lists (a worker thread, or a native addon thread)');
  return lines.join('\n');
}

function describeHandle(handle: unknown): string | undefined {
  if (handle instanceof net.Server) {
    const address = handle.address();
    const where =
      typeof address === 'string' ? address : address ? `${address.address}:${address.port}` : '?';
    return `a server listening on ${where}`;
  }
  if (handle instanceof net.Socket) {
    if (handle.remoteAddress) {
      return `a socket from ${handle.localAddress}:${handle.localPort} to ${handle.remoteAddress}:${handle.remotePort}`;
    }
    return 'a pipe or socket without a peer (a child process stream?)';
  }
  const child = handle as Partial<ChildProcess>;
  if (typeof child.pid === 'number' && Array.isArray(child.spawnargs)) {
    return `child process ${child.pid}: ${child.spawnargs.join(' ')}`;
  }
  const kind = (handle as { constructor?: { name?: string } })?.constructor?.name;
  return kind ? `a ${kind}` : undefined;
}
