// The built-in models for tests, built once per builder version in the system's temp folder and
// shared by every test file of a run (the build is atomic, so parallel files do not collide).
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BUILT_IN_VERSION, ensureBuiltInModels } from '../../models/built-in.ts';
import { ModelCache } from '../../renderer/model/model-cache.ts';

export const TEST_MODELS_DIR = path.join(tmpdir(), `imagine-test-models-v${BUILT_IN_VERSION}`);

export async function testModels(): Promise<string> {
  await ensureBuiltInModels(TEST_MODELS_DIR);
  return TEST_MODELS_DIR;
}

export async function testModelCache(): Promise<ModelCache> {
  return new ModelCache(
    await testModels(),
    { providers: ['cpu'], threads: 0, graphOptimization: 'all' },
    2 ** 31,
  );
}
