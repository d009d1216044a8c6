// Discord's "interactions endpoint URL" mode: instead of the gateway, each interaction is POSTed
// to the bot's HTTP endpoint, signed with the application's Ed25519 key
// (X-Signature-Ed25519 over timestamp + body, X-Signature-Timestamp), and the HTTP response is
// the interaction's callback.
import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { DiscordError } from './discord-error.ts';
import { type ParsedBody, parseBuffer } from './http-body.ts';
import type { BuiltInteraction } from './interaction-builder.ts';
import type { RecordedRequest, UploadedFile } from './types.ts';

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

/**
 * Delivers one interaction to the endpoint and records its HTTP response as the callback:
 * `callback` applies it (and may refuse it with a DiscordError, recorded as Discord's answer).
 */
export async function deliverToEndpoint(
  signer: InteractionSigner,
  url: string,
  built: BuiltInteraction,
  timeoutMs: number,
  callback: (body: Record<string, unknown>, files: UploadedFile[]) => unknown,
): Promise<Omit<RecordedRequest, 'seq'>> {
  const answer = await signer.deliver(url, built.payload, timeoutMs);
  const record: Omit<RecordedRequest, 'seq'> = {
    method: 'POST',
    path: `/interactions/${built.id}/${built.token}/callback`,
    route: '/interactions/:interaction/:token/callback',
    params: { interaction: built.id, token: built.token },
    query: {},
    authorization: null,
    contentType: answer.contentType,
    body: answer.parsed.body,
    files: answer.parsed.files,
    status: answer.status,
    response: undefined,
    receivedAt: Date.now(),
    interactionId: built.id,
    viaEndpoint: true,
  };
  if (answer.status !== 200) return record;
  try {
    record.response = callback((answer.parsed.body ?? {}) as Record<string, unknown>, answer.parsed.files);
  } catch (error) {
    if (!(error instanceof DiscordError)) throw error;
    record.status = error.status;
    record.response = error.body();
  }
  return record;
}
