// The gateway WebSocket as discord.js's @discordjs/ws uses it: JSON text frames, no compression
// (discord.js asks for zlib-stream only when zlib-sync is installed; this fake refuses it).
// HELLO -> IDENTIFY -> READY (+ GUILD_CREATE per guild), heartbeats ACKed, RESUME replays what a
// dropped session missed. Closing with 1000/1001 ends a session, as on Discord.

import { randomBytes } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import { type WebSocket, WebSocketServer } from 'ws';

type Json = Record<string, unknown>;

const Op = {
  Dispatch: 0,
  Heartbeat: 1,
  Identify: 2,
  Presence: 3,
  Voice: 4,
  Resume: 6,
  Reconnect: 7,
  RequestMembers: 8,
  InvalidSession: 9,
  Hello: 10,
  HeartbeatAck: 11,
} as const;

export interface GatewaySession {
  id: string;
  /** Last sequence number sent. */
  seq: number;
  events: Array<{ s: number; t: string; d: unknown }>;
  socket: WebSocket | null;
  /** READY was sent on the current socket (or RESUMED). */
  ready: boolean;
  /** False once the session was closed for good (1000/1001 close, or invalidated). */
  alive: boolean;
  intents: number;
  identify: Json;
}

export interface GatewayOptions {
  token: string;
  heartbeatIntervalMs: number;
  url: () => string;
  ready: (session: GatewaySession) => Json;
  guildCreates: () => Json[];
  onChange: () => void;
}

/** A gateway frame the fake received (heartbeats excluded), for tests that look at them. */
export interface GatewayFrame {
  sessionId: string | null;
  op: number;
  d: unknown;
  receivedAt: number;
}

export class Gateway {
  readonly sessions: GatewaySession[] = [];
  readonly frames: GatewayFrame[] = [];
  private readonly wss: WebSocketServer;

  constructor(
    server: Server,
    private readonly options: GatewayOptions,
  ) {
    this.wss = new WebSocketServer({ server, path: '/gateway' });
    this.wss.on('connection', (socket, req) => this.onConnection(socket, req));
  }

  /** Sessions with a live socket that got READY or RESUMED. */
  readySessions(): GatewaySession[] {
    return this.sessions.filter((s) => s.alive && s.ready && s.socket !== null);
  }

  /** Sends a dispatch to every live session (buffered for a dropped one until it resumes). */
  dispatch(t: string, d: unknown): number {
    const targets = this.sessions.filter((s) => s.alive);
    if (targets.length === 0)
      throw new Error(`fake Discord: no bot is connected to the gateway to receive ${t}`);
    for (const session of targets) this.send(session, t, d);
    return targets.length;
  }

  /** Sends op 7 RECONNECT: discord.js closes and resumes. */
  requestReconnect(): void {
    for (const session of this.readySessions())
      session.socket?.send(JSON.stringify({ op: Op.Reconnect, d: null }));
  }

  /** Closes every gateway socket with this code (4000: discord.js resumes; 4004: it gives up). */
  disconnect(code = 4000): void {
    for (const session of this.sessions) session.socket?.close(code, 'fake Discord closed the connection');
  }

  async close(): Promise<void> {
    for (const client of this.wss.clients) client.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private send(session: GatewaySession, t: string, d: unknown): void {
    session.seq += 1;
    const event = { s: session.seq, t, d };
    session.events.push(event);
    if (session.socket && session.ready) session.socket.send(JSON.stringify({ op: Op.Dispatch, ...event }));
  }

  private onConnection(socket: WebSocket, req: IncomingMessage): void {
    const query = new URL(req.url ?? '/', 'http://fake').searchParams;
    if (query.get('v') !== '10' || (query.get('encoding') ?? 'json') !== 'json' || query.has('compress')) {
      // 4012 (invalid API version) is one discord.js does not retry: the test fails loudly.
      socket.close(4012, 'fake Discord speaks v=10, encoding=json, no compression');
      return;
    }
    let session: GatewaySession | null = null;
    socket.send(
      JSON.stringify({
        op: Op.Hello,
        d: { heartbeat_interval: this.options.heartbeatIntervalMs },
        s: null,
        t: null,
      }),
    );
    socket.on('message', (raw, isBinary) => {
      let frame: { op?: number; d?: unknown };
      try {
        if (isBinary) throw new Error('binary');
        frame = JSON.parse(raw.toString());
      } catch {
        socket.close(4002, 'Error while decoding payload.');
        return;
      }
      if (frame.op !== Op.Heartbeat) {
        const d =
          frame.op === Op.Identify || frame.op === Op.Resume
            ? { ...(frame.d as Json), token: '[redacted]' }
            : frame.d;
        this.frames.push({ sessionId: session?.id ?? null, op: Number(frame.op), d, receivedAt: Date.now() });
      }
      switch (frame.op) {
        case Op.Heartbeat:
          socket.send(JSON.stringify({ op: Op.HeartbeatAck }));
          return;
        case Op.Identify:
          if (session) return void socket.close(4005, 'Already authenticated.');
          session = this.identify(socket, frame.d as Json);
          return;
        case Op.Resume:
          if (session) return void socket.close(4005, 'Already authenticated.');
          session = this.resume(socket, frame.d as Json);
          return;
        case Op.Presence:
        case Op.Voice:
        case Op.RequestMembers:
          if (!session) socket.close(4003, 'Not authenticated.');
          return;
        default:
          socket.close(4001, 'Unknown opcode.');
      }
    });
    socket.on('close', (code) => {
      if (session && session.socket === socket) {
        session.socket = null;
        session.ready = false;
        if (code === 1000 || code === 1001) session.alive = false;
        this.options.onChange();
      }
    });
  }

  private identify(socket: WebSocket, d: Json): GatewaySession | null {
    if (d?.token !== this.options.token) {
      socket.close(4004, 'Authentication failed.');
      return null;
    }
    const shard = d.shard as [number, number] | undefined;
    if (shard && (shard[0] !== 0 || shard[1] !== 1)) {
      socket.close(4010, 'Invalid shard.');
      return null;
    }
    const session: GatewaySession = {
      id: randomBytes(16).toString('hex'),
      seq: 0,
      events: [],
      socket,
      ready: true,
      alive: true,
      intents: Number(d.intents ?? 0),
      identify: { ...d, token: '[redacted]' },
    };
    this.sessions.push(session);
    this.send(session, 'READY', this.options.ready(session));
    // GUILD_CREATE for the guilds in READY comes only with the GUILDS intent.
    if (session.intents & 1)
      for (const guild of this.options.guildCreates()) this.send(session, 'GUILD_CREATE', guild);
    this.options.onChange();
    return session;
  }

  private resume(socket: WebSocket, d: Json): GatewaySession | null {
    const session = this.sessions.find((s) => s.id === d?.session_id);
    if (!session?.alive || session.socket !== null || d.token !== this.options.token) {
      socket.send(JSON.stringify({ op: Op.InvalidSession, d: false }));
      return null;
    }
    session.socket = socket;
    const from = Number(d.seq ?? 0);
    for (const event of session.events.filter((e) => e.s > from)) {
      socket.send(JSON.stringify({ op: Op.Dispatch, ...event }));
    }
    session.ready = true;
    this.send(session, 'RESUMED', null);
    this.options.onChange();
    return session;
  }

  /** The URL READY hands out for resuming. */
  resumeUrl(): string {
    return this.options.url();
  }
}
