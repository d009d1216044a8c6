// The embedded Redis runs in a process group of its own (so a terminal's Ctrl-C reaches only us, and we
// stop it last); the price is that it would outlive us if we were killed with SIGKILL. A tiny watcher
// in its own group asks it to shut down once we are gone.
import { spawn } from 'node:child_process';

/** Sends SIGTERM to `pid` within about a second of this process ending; returns a stop for the watch. */
export function stopWithParent(pid: number): () => void {
  const script = `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done; kill -TERM ${pid} 2>/dev/null`;
  const watcher = spawn('/bin/sh', ['-c', script], { detached: true, stdio: 'ignore' });
  watcher.once('error', () => undefined); // no shell: the exit handler remains the only guard
  watcher.unref();
  return () => {
    if (watcher.exitCode === null) watcher.kill();
  };
}
