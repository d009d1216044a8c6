// Discord's "interactions endpoint URL" mode: instead of the gateway, each interaction is POSTed
// to the bot's HTTP endpoint, signed with the application's Ed25519 key
// (X-Signature-Ed25519 over timestamp + body, X-Signature-Timestamp), and the HTTP response is
// the interaction's callback.
import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { type ParsedBody, parseBuffer } from './http-body.ts';

export interface SignedHeaders {
  'x-signature-ed25519': string;
  'x-signature-timestamp': string;
}

export interface EndpointAnswer {
  status: number;
  contentType: string | null;
  parsed: ParsedBody;
}

export class InteractionSigner {
  /** Hex public key, as the developer portal shows it (DISCORD_PUBLIC_KEY). */
  readonly publicKey: string;
  private readonly privateKey: KeyObject;

  constructor() {
    const pair = generateKeyPairSync('ed25519');
    this.privateKey = pair.privateKey;
    this.publicKey = pair.publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('hex');
  }

  /** Headers Discord sends with `body`; `timestamp` in seconds (default now). */
  sign(body: string, timestamp = Math.floor(Date.now() / 1000)): SignedHeaders {
    const ts = String(timestamp);
    return {
      'x-signature-ed25519': sign(null, Buffer.from(ts + body), this.privateKey).toString('hex'),
      'x-signature-timestamp': ts,
    };
  }

  /** POSTs a signed interaction to `url`; the answer is what Discord takes as the callback. */
  async deliver(url: string, payload: unknown, timeoutMs: number): Promise<EndpointAnswer> {
    const body = JSON.stringify(payload);
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Discord-Interactions/1.0 (+https://discord.com)',
        ...this.sign(body),
      },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const contentType = res.headers.get('content-type');
    const raw = Buffer.from(await res.arrayBuffer());
    return { status: res.status, contentType, parsed: await parseBuffer(raw, contentType ?? '') };
  }
}
