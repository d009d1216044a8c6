// The Discord settings as the config reads them: defaults, the policy formats, and errors that name
// the setting and say what it should look like. And attachment addresses: only the CDN bases pass.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchAttachment, isCdnUrl } from '../../../bots/discord/attachments.ts';
import { parseConfig, ValidationError } from '../../../core/index.ts';

function problemsOf(env: Record<string, string>): string[] {
  try {
    parseConfig(env);
  } catch (err) {
    if (err instanceof ValidationError) return err.problems.map((p) => `${p.field}: ${p.problem}`);
    throw err;
  }
  return [];
}

describe('Discord settings', () => {
  it('default to Discord itself and an open policy', () => {
    const d = parseConfig({}).discord;
    expect(d.apiBase).toBe('https://discord.com/api');
    expect(d.cdnBases).toEqual(['https://cdn.discordapp.com', 'https://media.discordapp.net']);
    expect(d.registerCommands).toBe(true);
    expect(d.policy).toEqual({
      allowedGuilds: [],
      allowedChannels: [],
      roleGates: [],
      nsfwTerms: [],
      promptRules: {},
    });
  });

  it('read role gates, prompt rules and lists', () => {
    const d = parseConfig({
      DISCORD_API_BASE: 'http://127.0.0.1:9/api/',
      DISCORD_ALLOWED_CHANNELS: '1, 2',
      DISCORD_ROLE_GATES: 'steps>30=11|12,video=13',
      DISCORD_PROMPT_RULES: '5:gore|blood,6:cats',
      DISCORD_NSFW_TERMS: 'nude, lingerie',
    }).discord;
    expect(d.apiBase).toBe('http://127.0.0.1:9/api');
    expect(d.policy.allowedChannels).toEqual(['1', '2']);
    expect(d.policy.roleGates).toEqual([
      { option: 'steps', above: 30, roles: ['11', '12'] },
      { option: 'video', roles: ['13'] },
    ]);
    expect(d.policy.promptRules).toEqual({ 5: ['gore', 'blood'], 6: ['cats'] });
    expect(d.policy.nsfwTerms).toEqual(['nude', 'lingerie']);
  });

  it('name each bad setting and say what it should look like', () => {
    const problems = problemsOf({
      DISCORD_ROLE_GATES: 'stepz>3=1',
      DISCORD_PUBLIC_KEY: 'abc',
      DISCORD_ALLOWED_GUILDS: 'general',
      DISCORD_PROMPT_RULES: 'cats',
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^DISCORD_ROLE_GATES: must be OPTION\[>N\]=ROLE\|ROLE/),
        expect.stringMatching(/^DISCORD_PUBLIC_KEY: must be the application's public key/),
        expect.stringMatching(/^DISCORD_ALLOWED_GUILDS: must list Discord ids/),
        expect.stringMatching(/^DISCORD_PROMPT_RULES: must be GUILD_ID:term\|term/),
      ]),
    );
  });
});

describe('attachment addresses', () => {
  let server: Server;
  let base: string;

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url?.startsWith('/attachments/big')) {
        res.end(Buffer.alloc(4096));
      } else if (req.url?.startsWith('/attachments/moved')) {
        res.writeHead(302, { location: 'http://169.254.169.254/latest' }).end();
      } else res.end('png');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((r) => server.close(r));
  });

  it('pass only under a CDN base (scheme, host, port and path)', () => {
    const bases = ['https://cdn.discordapp.com', 'http://127.0.0.1:5/cdn'];
    expect(isCdnUrl('https://cdn.discordapp.com/attachments/1/2/a.png', bases)).toBe(true);
    expect(isCdnUrl('http://cdn.discordapp.com/attachments/1/2/a.png', bases)).toBe(false);
    expect(isCdnUrl('https://cdn.discordapp.com.evil.example/a.png', bases)).toBe(false);
    expect(isCdnUrl('http://127.0.0.1:5/cdn/a.png', bases)).toBe(true);
    expect(isCdnUrl('http://127.0.0.1:5/other/a.png', bases)).toBe(false);
    expect(isCdnUrl('http://127.0.0.1:6/cdn/a.png', bases)).toBe(false);
    expect(isCdnUrl('not a url', bases)).toBe(false);
  });

  it('are fetched from the CDN, never elsewhere, never through a redirect, never past the size limit', async () => {
    expect((await fetchAttachment(`${base}/attachments/a.png`, { cdnBases: [base] })).toString()).toBe('png');
    await expect(
      fetchAttachment(`${base}/attachments/a.png`, { cdnBases: ['https://cdn.discordapp.com'] }),
    ).rejects.toThrow(/is not a Discord attachment/);
    await expect(fetchAttachment(`${base}/attachments/moved.png`, { cdnBases: [base] })).rejects.toThrow(
      /HTTP 302/,
    );
    await expect(
      fetchAttachment(`${base}/attachments/big.png`, { cdnBases: [base], maxBytes: 1024, field: 'mask' }),
    ).rejects.toThrow('mask is larger than 1 KB');
  });
});
