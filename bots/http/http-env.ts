// Settings of the HTTP surface that the core config does not hold yet, read from the environment:
// API_KEYS (see auth/parse-api-keys.ts), HOOKS or HOOKS_FILE (a JSON list, see inbound/hook-config.ts),
// HTTP_MAX_BODY_BYTES and HTTP_MAX_UPLOAD_BYTES. Every problem is reported at start.
import { readFileSync } from 'node:fs';
import { type FieldProblem, ValidationError } from '../../core/errors.ts';
import { type ApiKeyRecord, parseApiKeys } from './auth/api-keys.ts';
import type { HttpLimits } from './http-deps.ts';
import { type HookConfig, parseHookConfigs } from './inbound/hook-config.ts';

export interface HttpEnvSettings {
  apiKeys: ApiKeyRecord[];
  hooks: HookConfig[];
  limits: Partial<HttpLimits>;
}

function collect<T>(problems: FieldProblem[], read: () => T, fallback: T): T {
  try {
    return read();
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    problems.push(...err.problems);
    return fallback;
  }
}

function hooksText(env: Record<string, string | undefined>, problems: FieldProblem[]): string | undefined {
  if (env.HOOKS !== undefined) return env.HOOKS;
  if (env.HOOKS_FILE === undefined) return undefined;
  try {
    return readFileSync(env.HOOKS_FILE, 'utf8');
  } catch (err) {
    problems.push({
      field: 'HOOKS_FILE',
      value: env.HOOKS_FILE,
      problem: `cannot be read (${(err as NodeJS.ErrnoException).code})`,
    });
    return undefined;
  }
}

function bytes(
  env: Record<string, string | undefined>,
  name: string,
  problems: FieldProblem[],
): number | undefined {
  const text = env[name];
  if (text === undefined || text === '') return undefined;
  if (!/^\d{1,12}$/.test(text) || Number(text) < 1024) {
    problems.push({ field: name, value: text, problem: 'must be a whole number of bytes, at least 1024' });
    return undefined;
  }
  return Number(text);
}

export function readHttpEnv(
  env: Record<string, string | undefined>,
  server: { callbackSecret?: string },
): HttpEnvSettings {
  const problems: FieldProblem[] = [];
  const apiKeys = collect(problems, () => parseApiKeys(env.API_KEYS), []);
  const text = hooksText(env, problems);
  const hooks = collect(problems, () => {
    if (text === undefined || text.trim() === '') return [];
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      throw new ValidationError([
        { field: 'HOOKS', problem: `is not valid JSON (${(err as Error).message})` },
      ]);
    }
    return parseHookConfigs(value, server);
  }, []);
  const maxBodyBytes = bytes(env, 'HTTP_MAX_BODY_BYTES', problems);
  const maxUploadBytes = bytes(env, 'HTTP_MAX_UPLOAD_BYTES', problems);
  if (problems.length > 0) throw new ValidationError(problems, 'invalid HTTP settings');
  return {
    apiKeys,
    hooks,
    limits: {
      ...(maxBodyBytes !== undefined ? { maxBodyBytes } : {}),
      ...(maxUploadBytes !== undefined ? { maxUploadBytes } : {}),
    },
  };
}
