// Checks before anything is started that the HTTP server will be able to listen, so a busy port is
// told at once and in terms of the settings (PORT, HOST), not after Redis and a renderer came up.
import net from 'node:net';
import { type FieldProblem, ValidationError } from '../core/index.ts';

/** What to tell for a listen error, or undefined for one that is not about the settings. */
export function listenProblem(err: unknown, host: string, port: number): FieldProblem | undefined {
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code === 'EADDRINUSE')
    return {
      field: 'PORT',
      value: port,
      problem: `is in use on ${host} by another program: stop it, or set PORT to a free port`,
    };
  if (code === 'EACCES')
    return {
      field: 'PORT',
      value: port,
      problem: 'needs privileges on this machine: set PORT to 1024 or above',
    };
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return {
      field: 'HOST',
      value: host,
      problem:
        'is not an address of this machine: set HOST to one of its addresses, e.g. 127.0.0.1 or 0.0.0.0',
    };
  return undefined;
}

/** Binds HOST:PORT for a moment; throws a ValidationError naming the setting when it cannot. */
export async function checkPortFree(host: string, port: number): Promise<void> {
  if (port === 0) return; // any free port will do
  await new Promise<void>((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', (err) => {
      const problem = listenProblem(err, host, port);
      reject(problem ? new ValidationError([problem], 'cannot start') : err);
    });
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve()));
  });
}
