// Asks a server on a bare socket whether it is ready and who it is, without a client library
// that would retry on its own. PING answers -LOADING while the append-only file loads, and the
// process id tells our server from another one already listening on the same port.
import net from 'node:net';

/** The process id of the Redis answering on host:port once it accepts commands, else undefined. */
export function probeRedis(host: string, port: number, timeoutMs = 1000): Promise<number | undefined> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    let reply = '';
    const done = (pid: number | undefined) => {
      socket.destroy();
      resolve(pid);
    };
    socket.setTimeout(timeoutMs, () => done(undefined));
    socket.once('error', () => done(undefined));
    socket.once('close', () => done(undefined));
    socket.once('connect', () => socket.write('PING\r\nINFO server\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString('latin1');
      if (!reply.includes('\r\n')) return;
      if (!reply.startsWith('+PONG\r\n')) return done(undefined);
      const pid = /\r\nprocess_id:(\d+)\r\n/.exec(reply);
      if (pid) done(Number(pid[1]));
      // An INFO error reply (e.g. the command renamed away) would otherwise wait for the timeout.
      else if (/\r\n-[^\r\n]*\r\n$/.test(reply)) done(undefined);
    });
  });
}
