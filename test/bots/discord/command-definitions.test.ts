// The command definitions keep within Discord's limits whatever the configured limits and the
// number of samplers: at most 25 options and 25 choices each, names and descriptions as Discord
// allows them (a definition over a limit would fail the whole bulk overwrite).
import { describe, expect, it } from 'vitest';
import { commandDefinitions } from '../../../bots/discord/commands/command-definitions.ts';
import { parseConfig } from '../../../core/index.ts';

interface Option {
  name: string;
  description: string;
  choices?: unknown[];
  options?: Option[];
}

function walk(options: Option[] | undefined, visit: (o: Option) => void): void {
  for (const o of options ?? []) {
    visit(o);
    walk(o.options, visit);
  }
}

describe('the command definitions', () => {
  it('keep within Discord’s limits', () => {
    const commands = commandDefinitions(parseConfig({})) as unknown as (Option & { type?: number })[];
    expect(commands.length).toBeLessThanOrEqual(100);
    for (const command of commands) {
      if (command.type === 3) {
        expect(command.name.length).toBeLessThanOrEqual(32);
        continue;
      }
      expect(command.name).toMatch(/^[a-z0-9_-]{1,32}$/);
      expect(command.description.length).toBeLessThanOrEqual(100);
      expect((command.options ?? []).length).toBeLessThanOrEqual(25);
      walk(command.options, (o) => {
        expect(o.name).toMatch(/^[a-z0-9_-]{1,32}$/);
        expect(o.description.length).toBeGreaterThan(0);
        expect(o.description.length).toBeLessThanOrEqual(100);
        expect((o.choices ?? []).length).toBeLessThanOrEqual(25);
        expect((o.options ?? []).length).toBeLessThanOrEqual(25);
      });
    }
  });
});
