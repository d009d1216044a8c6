// The first-run tour of `npm start`: renders one sample picture through the real queue (the same
// path a chat message takes) into OUT_DIR, then says where the web page is, how to call the API and
// how to connect the chat bots.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../core/config/config.ts';
import { createJob } from '../core/job/job.ts';
import { encodedOutputOf } from '../queue/components/encoded-output.ts';
import { isFinalEvent } from '../queue/events/event-types.ts';
import type { Stack } from './stack.ts';

/** Small and quick on the toy model, and a scene it knows. */
export const SAMPLE_PROMPT = 'a red circle on a blue sky';
const SAMPLE_PARAMS = { width: 256, height: 256, steps: 8, seed: 7 };
const SAMPLE_OWNER = 'key:quickstart';
const SAMPLE_TIMEOUT_MS = 5 * 60_000;

export interface QuickstartOptions {
  config: Config;
  stack: Stack;
  /** The HTTP server's URL as bound; undefined when this process serves no HTTP. */
  httpUrl?: string;
  log: (line: string) => void;
}

/** Renders the sample and returns the PNG's path; throws with the job's own reason when it fails. */
export async function renderSample({ config, stack }: QuickstartOptions): Promise<string> {
  const job = createJob(
    {
      kind: 'imagine',
      owner: SAMPLE_OWNER,
      origin: { surface: 'http' },
      params: { ...SAMPLE_PARAMS, prompt: SAMPLE_PROMPT, model: config.defaultModel },
    },
    { limits: config.limits, defaults: config.defaults },
  );
  const { orchestrator, events } = stack.system;
  await orchestrator.submit(job);
  const signal = AbortSignal.timeout(SAMPLE_TIMEOUT_MS);
  for await (const stored of events.watch(job.id, { signal })) {
    if (!isFinalEvent(stored.event)) continue;
    const ended = stored.event;
    if (ended.type === 'failed' || ended.type === 'cancelled') {
      throw new Error(`the sample job ${job.id} ${ended.type}: ${ended.message}`);
    }
  }
  const state = await orchestrator.state(job.id);
  if (state?.status !== 'done') {
    throw new Error(`the sample job ${job.id} did not finish within ${SAMPLE_TIMEOUT_MS / 1000} s`);
  }
  const picture = encodedOutputOf(state.outputs)?.images[0];
  const stored = picture && (await stack.artifacts.get(picture.artifact));
  if (!stored) throw new Error(`the sample job ${job.id} finished without a picture`);
  await mkdir(config.outDir, { recursive: true });
  const file = path.join(config.outDir, `sample-${job.id}.png`);
  await writeFile(file, stored.bytes);
  return file;
}

/** Whether the API asks for a key (API_KEYS given, or the admin key API_KEYS_AUTO makes). */
function keysRequired(env: NodeJS.ProcessEnv): boolean {
  return (env.API_KEYS ?? '').trim() !== '' || /^(1|true|yes)$/.test(env.API_KEYS_AUTO ?? '');
}

/** What to do next, as lines for the terminal. */
export function nextSteps(
  httpUrl: string | undefined,
  sampleFile: string,
  env: NodeJS.ProcessEnv = process.env,
): string[] {
  const lines = [`quickstart: sample "${SAMPLE_PROMPT}" rendered through the queue to ${sampleFile}`];
  if (httpUrl) {
    const key = keysRequired(env) ? ` -H 'authorization: Bearer YOUR_API_KEY'` : '';
    lines.push(
      `quickstart: open ${httpUrl}/ in a browser to draw from a prompt`,
      `quickstart: or call the API: curl -s ${httpUrl}/v1/jobs${key} -H 'content-type: application/json' -d '{"prompt":"a yellow square on the grass --seed 3"}'`,
    );
  }
  lines.push(
    'quickstart: Discord: set DISCORD_TOKEN and DISCORD_APPLICATION_ID (see the README, "Discord"), then restart',
    'quickstart: Telegram: set TELEGRAM_BOT_TOKEN (from @BotFather; see the README, "Telegram"), then restart',
  );
  return lines;
}

export async function runQuickstart(options: QuickstartOptions): Promise<string> {
  const file = await renderSample(options);
  // A browser reaches the server at PUBLIC_URL when it is set (0.0.0.0 is no address to open).
  const url = options.config.http.publicUrl?.replace(/\/$/, '') ?? options.httpUrl;
  for (const line of nextSteps(options.httpUrl && url, file)) options.log(line);
  return file;
}

export interface StartFlags {
  /** Render the sample and print the next steps after the start. */
  quickstart: boolean;
  /** Stop after the sample (scripts, CI); implies quickstart. */
  once: boolean;
}

/** `--quickstart` and `--once` after the role; anything else is refused with what is allowed. */
export function parseStartFlags(args: readonly string[]): StartFlags | string {
  const flags: StartFlags = { quickstart: false, once: false };
  for (const arg of args) {
    if (arg === '--quickstart') flags.quickstart = true;
    else if (arg === '--once') flags.once = flags.quickstart = true;
    else return `unknown option "${arg}": use --quickstart or --once`;
  }
  return flags;
}
