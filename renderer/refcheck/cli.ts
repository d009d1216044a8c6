// `npm run refcheck -- DIR [--vocab FILE] [--merges FILE]`: checks the renderer's numerics against the
// reference vectors in DIR. Exit code 0 all passed, 1 some failed, 2 usage error.
import { runRefcheck } from './run-refcheck.ts';

process.exitCode = await runRefcheck(process.argv.slice(2), {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
});
