// The configured inbound hooks: `[{ "name": "github", "secret": "...", "template": { "prompt":
// "{{issue.title}}" }, "destination": { "type": "callback", "url": "https://..." } }]`. Everything is
// checked at start: names, secrets, templates and destinations, every problem reported at once.
import { z } from 'zod';
import { type FieldProblem, ValidationError } from '../../../core/errors.ts';
import { problemsFromZod } from '../../../core/job/zod-problems.ts';
import { type CompiledHookTemplate, compileHookTemplate } from '../hooks/hook-template.ts';
import { destinationNeeds, type HookDestination, HookDestinationSchema } from './hook-destinations.ts';

export interface HookConfig {
  name: string;
  secret: string;
  template: CompiledHookTemplate;
  destination: HookDestination;
}

const HookSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'must be 1-64 letters, digits, . _ -'),
    secret: z.string().min(16, 'must be at least 16 characters'),
    template: z.record(z.string(), z.unknown(), { error: 'must be an object of param templates' }),
    destination: HookDestinationSchema,
  })
  .strict();

export function parseHookConfigs(
  value: unknown,
  server: { callbackSecret?: string },
  field = 'HOOKS',
): HookConfig[] {
  const parsed = z.array(HookSchema, { error: 'must be a list of hooks' }).safeParse(value);
  if (!parsed.success) {
    throw new ValidationError(
      problemsFromZod(parsed.error).map((p) => ({
        ...p,
        field: p.field === 'job' ? field : `${field}.${p.field}`,
      })),
      'invalid hooks',
    );
  }
  const problems: FieldProblem[] = [];
  const hooks: HookConfig[] = [];
  const names = new Set<string>();
  parsed.data.forEach((h, i) => {
    if (names.has(h.name))
      problems.push({ field: `${field}.${i}.name`, value: h.name, problem: 'is used twice' });
    names.add(h.name);
    const destination = h.destination;
    const missing = destinationNeeds(destination, server);
    if (missing) problems.push({ field: `${field}.${i}.destination`, problem: missing });
    try {
      const template = compileHookTemplate(h.template, { field: `${field}.${i}.template` });
      hooks.push({ name: h.name, secret: h.secret, template, destination });
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      problems.push(...err.problems);
    }
  });
  if (problems.length > 0) throw new ValidationError(problems, 'invalid hooks');
  return hooks;
}
