// Keeps loaded models across jobs under a memory budget, dropping the least recently used first.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { ValidationError } from '../../core/errors.ts';
import { didYouMean } from '../../core/text/closest.ts';
import type { SessionSettings } from '../onnx/session-options.ts';
import { loadModelFolder } from './load-model-folder.ts';
import type { LoadedModel } from './loaded-model.ts';
import { readModelSettings } from './model-settings.ts';

export class ModelCache {
  /** Insertion order is recency order: a hit moves the entry to the end. */
  private readonly loaded = new Map<string, Promise<LoadedModel>>();

  constructor(
    private readonly modelsDir: string,
    readonly settings: SessionSettings,
    private readonly budgetBytes: number,
  ) {}

  /** Model names available in the models folder (each a subfolder with model_index.json). */
  available(): string[] {
    if (!existsSync(this.modelsDir)) return [];
    return readdirSync(this.modelsDir, { withFileTypes: true })
      .filter((e) => e.isDirectory() && existsSync(path.join(this.modelsDir, e.name, 'model_index.json')))
      .map((e) => e.name)
      .sort();
  }

  /** A name from the models folder, or a path to a model folder. */
  resolve(nameOrPath: string): { name: string; dir: string } {
    if (nameOrPath.includes('/') || nameOrPath.includes(path.sep)) {
      return { name: path.basename(path.resolve(nameOrPath)), dir: nameOrPath };
    }
    const dir = path.join(this.modelsDir, nameOrPath);
    if (!existsSync(path.join(dir, 'model_index.json'))) {
      const names = this.available();
      throw new ValidationError([
        {
          field: 'model',
          value: nameOrPath,
          problem: `is not installed${didYouMean(nameOrPath, names)}; available: ${names.join(', ') || 'none'}`,
        },
      ]);
    }
    return { name: nameOrPath, dir };
  }

  /** The inpainting sibling of a model (`toy` -> `toy-inpaint`), when one is installed. */
  inpaintSibling(name: string): string | undefined {
    const { dir } = this.resolve(name);
    const sibling = readModelSettings(dir).inpaintModel ?? `${name}-inpaint`;
    return existsSync(path.join(this.modelsDir, sibling, 'model_index.json')) ? sibling : undefined;
  }

  isLoaded(name: string): boolean {
    return this.loaded.has(path.join(this.modelsDir, name));
  }

  async get(nameOrPath: string): Promise<LoadedModel> {
    const { name, dir } = this.resolve(nameOrPath);
    const hit = this.loaded.get(dir);
    if (hit) {
      this.loaded.delete(dir);
      this.loaded.set(dir, hit);
      return hit;
    }
    const pending = loadModelFolder(dir, this.settings, name);
    this.loaded.set(dir, pending);
    try {
      const model = await pending;
      await this.evict(dir);
      return model;
    } catch (err) {
      this.loaded.delete(dir);
      throw err;
    }
  }

  /** Drops least recently used models until the rest fit the budget; the one just loaded stays. */
  private async evict(keep: string): Promise<void> {
    const entries = [...this.loaded.entries()];
    const sizes = await Promise.all(entries.map(([, p]) => p.then((m) => m.bytes).catch(() => 0)));
    let total = sizes.reduce((a, b) => a + b, 0);
    for (let i = 0; i < entries.length && total > this.budgetBytes; i++) {
      const [dir, pending] = entries[i];
      if (dir === keep) continue;
      this.loaded.delete(dir);
      total -= sizes[i];
      const model = await pending;
      this.settings.log?.(`model ${model.name}: unloaded to stay within the memory budget`);
      await model.release();
    }
  }

  async close(): Promise<void> {
    const all = [...this.loaded.values()];
    this.loaded.clear();
    await Promise.all(all.map(async (p) => (await p).release()));
  }
}
