// The one typed config, read from environment variables (and an optional JSON file of the same
// keys). Parsing is pure: the caller reads the file and passes its content.
import { z } from 'zod';
import { ValidationError } from '../errors.ts';
import { DEFAULT_LIMITS, DEFAULT_PARAMS, type Defaults, type Limits, SAMPLERS } from '../job/limits.ts';
import { problemsFromZod } from '../job/zod-problems.ts';
import { type DiscordConfig, DiscordEnvSchema, discordConfig } from './discord-settings.ts';
import { type TelegramConfig, TelegramEnvSchema, telegramConfig } from './telegram-settings.ts';
import { type VideoConfig, VideoEnvSchema, videoConfig } from './video-settings.ts';

const intVar = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, `must be a whole number between ${min} and ${max}`)
    .transform(Number)
    .pipe(
      z.number().min(min, `must be between ${min} and ${max}`).max(max, `must be between ${min} and ${max}`),
    );

const numVar = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+(\.\d+)?$/, `must be a number between ${min} and ${max}`)
    .transform(Number)
    .pipe(
      z.number().min(min, `must be between ${min} and ${max}`).max(max, `must be between ${min} and ${max}`),
    );

const boolVar = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no'], { error: 'must be true or false' })
  .transform((v) => v === '1' || v === 'true' || v === 'yes');

const listVar = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);

const redisUrl = z
  .string()
  .regex(/^rediss?:\/\/.+/, 'must be a redis:// or rediss:// URL, e.g. redis://127.0.0.1:6379');

const EXECUTION_PROVIDERS = ['cpu', 'cuda', 'tensorrt'] as const;

/** Every setting, its environment variable, and its default. */
export const ConfigEnvSchema = z.object({
  REDIS_URL: redisUrl.optional(),
  REDIS_SERVER_BIN: z.string().default('redis-server'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: intVar(0, 65535).default(8080),
  PUBLIC_URL: z.url({ error: 'must be a URL, e.g. https://bot.example.com' }).optional(),
  DATA_DIR: z.string().min(1).optional(),
  /** The embedded Redis's files; see redisDataDir below for its default. */
  REDIS_DATA_DIR: z.string().min(1).optional(),
  /** Where `npm start` writes its sample picture. */
  OUT_DIR: z.string().min(1).default('out'),
  MODELS_DIR: z.string().min(1).optional(),
  /** LoRA .safetensors files that prompts name (`--lora name`, `<lora:name:0.8>`). */
  LORAS_DIR: z.string().min(1).optional(),
  /** Replacement VAE folders (vae_decoder/, vae_encoder/, config.json) that `--vae NAME` names. */
  VAES_DIR: z.string().min(1).optional(),
  DEFAULT_MODEL: z.string().min(1).default(DEFAULT_PARAMS.model),
  ORT_PROVIDERS: listVar
    .pipe(
      z.array(z.enum(EXECUTION_PROVIDERS, { error: `must list some of ${EXECUTION_PROVIDERS.join(', ')}` })),
    )
    .default(['cpu']),
  ORT_THREADS: intVar(0, 256).default(0),
  ORT_GRAPH_OPTIMIZATION: z.enum(['disabled', 'basic', 'extended', 'all']).default('all'),
  MODEL_MEMORY_MB: intVar(64, 1_048_576).default(8192),
  /** Renders of several jobs per batch at most; unset: 1 (off) on the CPU, 4 on a GPU (docs/benchmarks.md). */
  RENDER_BATCH: intVar(1, 64).optional(),
  /** How long an idle renderer waits for renders to batch with a new one. */
  RENDER_BATCH_GATHER_MS: intVar(0, 10_000).default(50),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  LOG_FORMAT: z.enum(['pretty', 'json'], { error: 'must be pretty or json' }).default('pretty'),
  METRICS_PORT: intVar(0, 65535).optional(),
  ...DiscordEnvSchema,
  ...TelegramEnvSchema,
  ...VideoEnvSchema,
  LIMIT_MAX_PIXELS: intVar(4096, 16_777_216).default(DEFAULT_LIMITS.maxPixels),
  LIMIT_MAX_SIDE: intVar(64, 8192).default(DEFAULT_LIMITS.maxSide),
  LIMIT_MAX_STEPS: intVar(1, 1000).default(DEFAULT_LIMITS.maxSteps),
  LIMIT_MAX_COUNT: intVar(1, 16).default(DEFAULT_LIMITS.maxCount),
  LIMIT_MAX_FRAMES: intVar(1, 1024).default(DEFAULT_LIMITS.maxFrames),
  LIMIT_MAX_PROMPT_CHARS: intVar(1, 100_000).default(DEFAULT_LIMITS.maxPromptChars),
  // Unset, each model's own (imagine.json, its natural size) apply, then DEFAULT_PARAMS; set, every model.
  DEFAULT_WIDTH: intVar(64, 8192).optional(),
  DEFAULT_HEIGHT: intVar(64, 8192).optional(),
  DEFAULT_STEPS: intVar(1, 1000).optional(),
  DEFAULT_GUIDANCE: numVar(0, 30).optional(),
  DEFAULT_SAMPLER: z.enum(SAMPLERS, { error: `must be one of ${SAMPLERS.join(', ')}` }).optional(),
  EMBEDDED_REDIS: boolVar.default(true),
  OWNER_MAX_ACTIVE: intVar(0, 10_000).default(10),
  OWNER_PER_MINUTE: intVar(0, 100_000).default(20),
  OWNER_BURST: intVar(1, 100_000).default(10),
  CALLBACK_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  ALLOW_PRIVATE_URLS: boolVar.default(false),
  HTTP_REQUEST_TIMEOUT_MS: intVar(1000, 3_600_000).default(60_000),
  HTTP_HEADERS_TIMEOUT_MS: intVar(1000, 600_000).default(10_000),
  HTTP_MAX_CONNECTIONS: intVar(1, 1_000_000).default(1000),
  /** How long a finished job's status, events and pictures stay available: 7 days. */
  RESULT_TTL_S: intVar(10, 31_536_000).default(7 * 24 * 3600),
});

type Env = z.output<typeof ConfigEnvSchema>;

export interface Config {
  redis: { url?: string; serverBin: string; embedded: boolean };
  /** The embedded Redis's folder (REDIS_DATA_DIR). */
  redisDataDir: string;
  http: {
    host: string;
    port: number;
    publicUrl?: string;
    /** A request's headers and body must arrive within these (slow clients hold a connection otherwise). */
    requestTimeoutMs: number;
    headersTimeoutMs: number;
    /** Open connections at most; more are closed at once. */
    maxConnections: number;
  };
  dataDir: string;
  outDir: string;
  modelsDir: string;
  lorasDir: string;
  vaesDir: string;
  defaultModel: string;
  onnx: {
    providers: (typeof EXECUTION_PROVIDERS)[number][];
    threads: number;
    graphOptimization: 'disabled' | 'basic' | 'extended' | 'all';
    memoryBudgetMb: number;
    /** Batches across jobs: renders per batch at most (1 = off), and the gather window. */
    batch: { maxJobs: number; gatherMs: number };
  };
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** pretty: one readable line per event (a terminal); json: pino's JSON lines (log collectors). */
  logFormat: 'pretty' | 'json';
  /** A port of its own for GET /metrics (for the roles that serve no HTTP); unset: none. */
  metricsPort?: number;
  discord: DiscordConfig;
  telegram: TelegramConfig;
  video: VideoConfig;
  limits: Limits;
  defaults: Defaults;
  /** Per owner: unfinished jobs, and submissions per minute with a burst (0 = unlimited). */
  owners: { maxActive: number; perMinute: number; burst: number };
  /** Signs job callbacks (Standard Webhooks). */
  callbackSecret?: string;
  /** Development only: image URLs, callbacks and hook destinations may reach loopback and private addresses. */
  allowPrivateUrls: boolean;
  /** How long a finished job's state, its event stream and its pictures are kept (RESULT_TTL_S). */
  resultTtlMs: number;
}

function toStrings(source: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  const known = new Set(Object.keys(ConfigEnvSchema.shape));
  for (const [key, value] of Object.entries(source)) {
    if (!known.has(key) || value === undefined || value === null || value === '') continue;
    out[key] = Array.isArray(value) ? value.join(',') : String(value);
  }
  return out;
}

/**
 * Builds the config from the environment over an optional file's content (environment wins).
 * Throws a ValidationError naming every bad variable.
 */
export function parseConfig(
  env: Record<string, string | undefined>,
  file: Record<string, unknown> = {},
): Config {
  const unknownInFile = Object.keys(file).filter((k) => !(k in ConfigEnvSchema.shape));
  const merged = { ...toStrings(file), ...toStrings(env) };
  const result = ConfigEnvSchema.safeParse(merged, { reportInput: true });
  // Variables are flat: `ORT_PROVIDERS.1` reads better as `ORT_PROVIDERS`.
  const problems = result.success
    ? []
    : problemsFromZod(result.error).map((p) => ({ ...p, field: p.field.split('.')[0] }));
  for (const key of unknownInFile)
    problems.push({ field: key, problem: 'is not a setting (see the README)' });
  if (!result.success || problems.length > 0) throw new ValidationError(problems, 'invalid configuration');
  return fromEnv(result.data);
}

const DEFAULT_DATA_DIR = 'var';

/**
 * The embedded Redis keeps its files in `.data/redis` on the defaults; a DATA_DIR given keeps them
 * beside the rest of that folder's data (`DATA_DIR/redis`), so two services with their own DATA_DIR
 * never share an append-only file.
 */
function redisDataDir(e: Env): string {
  return e.REDIS_DATA_DIR ?? (e.DATA_DIR ? `${e.DATA_DIR}/redis` : '.data/redis');
}

function fromEnv(e: Env): Config {
  const dataDir = e.DATA_DIR ?? DEFAULT_DATA_DIR;
  const limits: Limits = {
    ...DEFAULT_LIMITS,
    maxPixels: e.LIMIT_MAX_PIXELS,
    maxSide: e.LIMIT_MAX_SIDE,
    maxSteps: e.LIMIT_MAX_STEPS,
    maxCount: e.LIMIT_MAX_COUNT,
    maxFrames: e.LIMIT_MAX_FRAMES,
    maxPromptChars: e.LIMIT_MAX_PROMPT_CHARS,
  };
  const defaults: Defaults = {
    ...DEFAULT_PARAMS,
    width: e.DEFAULT_WIDTH ?? DEFAULT_PARAMS.width,
    height: e.DEFAULT_HEIGHT ?? DEFAULT_PARAMS.height,
    steps: e.DEFAULT_STEPS ?? DEFAULT_PARAMS.steps,
    guidance: e.DEFAULT_GUIDANCE ?? DEFAULT_PARAMS.guidance,
    sampler: e.DEFAULT_SAMPLER ?? DEFAULT_PARAMS.sampler,
    model: e.DEFAULT_MODEL,
    fixed: [
      ...(e.DEFAULT_WIDTH !== undefined || e.DEFAULT_HEIGHT !== undefined ? (['size'] as const) : []),
      ...(e.DEFAULT_STEPS !== undefined ? (['steps'] as const) : []),
      ...(e.DEFAULT_GUIDANCE !== undefined ? (['guidance'] as const) : []),
      ...(e.DEFAULT_SAMPLER !== undefined ? (['sampler'] as const) : []),
    ],
  };
  const problems = [];
  if (defaults.width * defaults.height > limits.maxPixels) {
    problems.push({
      field: 'DEFAULT_WIDTH',
      value: `${defaults.width}x${defaults.height}`,
      problem: `is over LIMIT_MAX_PIXELS (${limits.maxPixels})`,
    });
  }
  if (defaults.steps > limits.maxSteps) {
    problems.push({
      field: 'DEFAULT_STEPS',
      value: defaults.steps,
      problem: `is over LIMIT_MAX_STEPS (${limits.maxSteps})`,
    });
  }
  for (const [field, v] of [
    ['DEFAULT_WIDTH', defaults.width],
    ['DEFAULT_HEIGHT', defaults.height],
  ] as const) {
    if (v % limits.sideMultiple !== 0) {
      problems.push({ field, value: v, problem: `must be a multiple of ${limits.sideMultiple}` });
    }
  }
  if (problems.length > 0) throw new ValidationError(problems, 'invalid configuration');
  return {
    redis: { url: e.REDIS_URL, serverBin: e.REDIS_SERVER_BIN, embedded: e.EMBEDDED_REDIS },
    redisDataDir: redisDataDir(e),
    http: {
      host: e.HOST,
      port: e.PORT,
      publicUrl: e.PUBLIC_URL,
      requestTimeoutMs: e.HTTP_REQUEST_TIMEOUT_MS,
      headersTimeoutMs: e.HTTP_HEADERS_TIMEOUT_MS,
      maxConnections: e.HTTP_MAX_CONNECTIONS,
    },
    dataDir,
    outDir: e.OUT_DIR,
    modelsDir: e.MODELS_DIR ?? `${dataDir}/models`,
    lorasDir: e.LORAS_DIR ?? `${dataDir}/loras`,
    vaesDir: e.VAES_DIR ?? `${dataDir}/vaes`,
    defaultModel: e.DEFAULT_MODEL,
    onnx: {
      providers: e.ORT_PROVIDERS,
      threads: e.ORT_THREADS,
      graphOptimization: e.ORT_GRAPH_OPTIMIZATION,
      memoryBudgetMb: e.MODEL_MEMORY_MB,
      batch: {
        // Measured on the CPU: a batch of 4 costs as much as 4 renders (docs/benchmarks.md).
        maxJobs: e.RENDER_BATCH ?? (e.ORT_PROVIDERS[0] === 'cpu' ? 1 : 4),
        gatherMs: e.RENDER_BATCH_GATHER_MS,
      },
    },
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT,
    metricsPort: e.METRICS_PORT,
    discord: discordConfig(e),
    telegram: telegramConfig(e),
    video: videoConfig(e),
    limits,
    defaults,
    owners: { maxActive: e.OWNER_MAX_ACTIVE, perMinute: e.OWNER_PER_MINUTE, burst: e.OWNER_BURST },
    callbackSecret: e.CALLBACK_SECRET,
    allowPrivateUrls: e.ALLOW_PRIVATE_URLS,
    resultTtlMs: e.RESULT_TTL_S * 1000,
  };
}
