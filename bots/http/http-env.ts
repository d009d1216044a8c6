// Settings of the HTTP surface that the core config does not hold yet, read from the environment:
// API_KEYS (see auth/parse-api-keys.ts), API_KEYS_AUTO (see auth/admin-key-file.ts), HOOKS or
// HOOKS_FILE (a JSON list, see inbound/hook-config.ts), HTTP_MAX_BODY_BYTES and HTTP_MAX_UPLOAD_BYTES.
// Every problem is reported at start.
import { readFileSync } from 'node:fs';
import { type FieldProblem, ValidationError } from '../../core/errors.ts';
import { adminKeyNotices, loadOrCreateAdminKey } from './auth/admin-key-file.ts';
import { type ApiKeyRecord, parseApiKeys } from './auth/api-keys.ts';
import type { HttpLimits } from './http-deps.ts';
import { type HookConfig, parseHookConfigs } from './inbound/hook-config.ts';

export interface HttpEnvSettings {
  apiKeys: ApiKeyRecord[];
  hooks: HookConfig[];
  limits: Partial<HttpLimits>;
  /** Lines to print at start (the admin key API_KEYS_AUTO made, once). */
  notices: string[];
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

function flag(env: Record<string, string | undefined>, name: string, problems: FieldProblem[]): boolean {
  const text = (env[name] ?? '').trim().toLowerCase();
  if (text === '') return false;
  if (['1', 'true', 'yes'].includes(text)) return true;
  if (['0', 'false', 'no'].includes(text)) return false;
  problems.push({ field: name, value: env[name], problem: 'must be true or false' });
  return false;
}

/** API_KEYS_AUTO without API_KEYS: the admin key kept in DATA_DIR (made on first start). */
function autoKeys(
  env: Record<string, string | undefined>,
  configured: ApiKeyRecord[],
  dataDir: string | undefined,
  problems: FieldProblem[],
  notices: string[],
): ApiKeyRecord[] {
  if (!flag(env, 'API_KEYS_AUTO', problems)) return configured;
  if ((env.API_KEYS ?? '').trim() !== '') {
    notices.push('http: API_KEYS is set, so API_KEYS_AUTO makes no admin key');
    return configured;
  }
  if (!dataDir) {
    problems.push({ field: 'API_KEYS_AUTO', problem: 'needs DATA_DIR to keep the admin key in' });
    return configured;
  }
  return collect(
    problems,
    () => {
      const admin = loadOrCreateAdminKey(dataDir);
      notices.push(...adminKeyNotices(admin));
      return [admin.record];
    },
    configured,
  );
}

export function readHttpEnv(
  env: Record<string, string | undefined>,
  server: { callbackSecret?: string; dataDir?: string },
): HttpEnvSettings {
  const problems: FieldProblem[] = [];
  const notices: string[] = [];
  const configured = collect(problems, () => parseApiKeys(env.API_KEYS), []);
  const apiKeys = autoKeys(env, configured, server.dataDir, problems, notices);
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
    notices,
    hooks,
    limits: {
      ...(maxBodyBytes !== undefined ? { maxBodyBytes } : {}),
      ...(maxUploadBytes !== undefined ? { maxUploadBytes } : {}),
    },
  };
}
