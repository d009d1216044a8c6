// Hook destinations are checked when the server starts: one that points at a private address would
// fail every signed call later, so the server refuses to start and names the hook.
import { type FieldProblem, ValidationError } from '../../../core/errors.ts';
import { checkUrlAhead } from '../../../queue/media/address-policy.ts';
import type { HookConfig } from './hook-config.ts';

/** The URL a destination delivers to, when it has one (chat destinations have none). */
function destinationUrl(hook: HookConfig): string | undefined {
  const d = hook.destination as { url?: unknown };
  return typeof d.url === 'string' ? d.url : undefined;
}

/** Throws a ValidationError naming each hook whose destination is private; says which did not resolve. */
export async function checkHookDestinations(
  hooks: readonly HookConfig[],
  opts: { allowPrivate: boolean; log: (line: string) => void },
): Promise<void> {
  const problems: FieldProblem[] = [];
  for (const hook of hooks) {
    const url = destinationUrl(hook);
    if (url === undefined) continue;
    const field = `hook ${hook.name} destination`;
    try {
      const outcome = await checkUrlAhead(url, field, opts.allowPrivate);
      if (outcome === 'unresolved') {
        opts.log(`http: hook ${hook.name}: the host of its destination ${url} does not resolve now`);
      }
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      problems.push(
        ...err.problems.map((p) => ({
          ...p,
          value: url,
          problem: `${p.problem} (or set ALLOW_PRIVATE_URLS=true for local development)`,
        })),
      );
    }
  }
  if (problems.length > 0) throw new ValidationError(problems, 'invalid hooks');
}
