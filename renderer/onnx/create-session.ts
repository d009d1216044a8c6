// Opens an ONNX model with the preferred execution provider, falling back to the CPU with one log
// line saying which provider runs: a GPU build that is missing must not stop a render.
import { createHash } from 'node:crypto';
import { mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import ort from 'onnxruntime-node';
import type { ExecutionProvider, SessionSettings } from './session-options.ts';

export interface OpenedSession {
  session: ort.InferenceSession;
  provider: ExecutionProvider;
}

/** The optimised copy of a model is keyed by its path, size and time, so an edited model is re-optimised. */
function optimisedPath(
  modelPath: string,
  settings: SessionSettings,
  provider: ExecutionProvider,
): string | undefined {
  if (!settings.cacheDir || settings.graphOptimization === 'disabled') return undefined;
  const st = statSync(modelPath);
  const key = createHash('sha256')
    .update(`${path.resolve(modelPath)}|${st.size}|${st.mtimeMs}|${provider}|${settings.graphOptimization}`)
    .digest('hex')
    .slice(0, 24);
  mkdirSync(settings.cacheDir, { recursive: true });
  return path.join(settings.cacheDir, `${key}.onnx`);
}

/** Providers that failed once stay failed for this process: one log line, not one per session. */
const unavailable = new Set<ExecutionProvider>();

export async function createSession(modelPath: string, settings: SessionSettings): Promise<OpenedSession> {
  const wanted = [
    ...settings.providers.filter((p) => p !== 'cpu' && !unavailable.has(p)),
    'cpu',
  ] as ExecutionProvider[];
  const failures: string[] = [];
  for (const provider of wanted) {
    const options: ort.InferenceSession.SessionOptions = {
      executionProviders: [provider],
      graphOptimizationLevel: settings.graphOptimization,
      // Errors only: warnings about caching optimised graphs would greet every start.
      logSeverityLevel: 3,
      ...(settings.threads > 0 ? { intraOpNumThreads: settings.threads } : {}),
    };
    // Optimised copies hold provider-specific nodes; only the CPU copy is safe to reload everywhere.
    const cached = provider === 'cpu' ? optimisedPath(modelPath, settings, provider) : undefined;
    try {
      if (cached) {
        try {
          statSync(cached);
          const session = await ort.InferenceSession.create(cached, {
            ...options,
            graphOptimizationLevel: 'disabled',
          });
          return { session, provider };
        } catch {
          options.optimizedModelFilePath = cached;
        }
      }
      const session = await ort.InferenceSession.create(modelPath, options);
      if (failures.length > 0)
        settings.log?.(`onnx: ${failures.join('; ')}; running ${path.basename(modelPath)} on cpu`);
      return { session, provider };
    } catch (err) {
      if (provider === 'cpu') throw err;
      unavailable.add(provider);
      failures.push(`${provider} unavailable (${(err as Error).message.split('\n')[0]})`);
    }
  }
  throw new Error('unreachable: the CPU provider always ends the list');
}
