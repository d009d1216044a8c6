// `npm run models:toy -- [--out DIR] [--video]`: builds the built-in models (default folder: the
// configured MODELS_DIR, var/models unless set), skipping the ones already up to date; --video adds
// the toy-video model.
import { loadConfig } from '../bin/config-file.ts';
import { ensureBuiltInModels } from './built-in.ts';

const at = process.argv.indexOf('--out');
const dir = at > 0 ? process.argv[at + 1] : loadConfig().modelsDir;
if (!dir) {
  console.error('usage: npm run models:toy -- [--out DIR]');
  process.exit(2);
}
const extra = process.argv.includes('--video') ? ['toy-video'] : [];
const built = await ensureBuiltInModels(dir, (line) => console.log(line), extra);
if (built.length === 0) console.log(`models: the built-in models in ${dir} are up to date`);
