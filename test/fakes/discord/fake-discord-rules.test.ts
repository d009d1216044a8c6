// Discord's rules as the fake applies them, seen through discord.js: which attachments an edit
// keeps, follow-ups to a deferred reply, ephemeral replies, the acknowledgement deadline,
// webhook calls before the callback, limits, DMs, members' roles and select menus.
import {
  ApplicationCommandOptionType,
  Client,
  DiscordAPIError,
  GatewayIntentBits,
  type Interaction,
  MessageFlags,
  PermissionFlagsBits,
  Routes,
} from 'discord.js';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type FakeDiscord, startFakeDiscord } from './fake-discord.ts';

const TOKEN = 'rules-bot-token';
const APP_ID = '1400000000000000001';
const GUILD_ID = '1400000000000000100';
const CHANNEL = '1400000000000000101';
const ADMIN_ROLE = '1400000000000000200';
const ANN = { id: '1400000000000000301', username: 'ann' };

// Small distinct byte strings are enough: the fake stores whatever is uploaded.
const fileA = Buffer.from('first file');
const fileB = Buffer.from('second file');
const fileC = Buffer.from('third file');

let fake: FakeDiscord;
let client: Client;
let pending: ((interaction: Interaction) => void) | null = null;

function handleNext<T>(handler: (interaction: Interaction) => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    pending = (interaction) => handler(interaction).then(resolve, reject);
  });
}

function slash(interaction: Interaction) {
  if (!interaction.isChatInputCommand())
    throw new Error(`expected a slash command, got type ${interaction.type}`);
  return interaction;
}

beforeAll(async () => {
  fake = await startFakeDiscord({
    token: TOKEN,
    applicationId: APP_ID,
    interactionAckDeadlineMs: 400,
    guilds: [
      {
        id: GUILD_ID,
        channels: [{ id: CHANNEL, name: 'lab' }],
        roles: [{ id: ADMIN_ROLE, name: 'admins', permissions: PermissionFlagsBits.ManageGuild }],
      },
    ],
  });
  client = new Client({
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages],
    rest: fake.restOptions,
  });
  client.on('interactionCreate', (interaction) => {
    const handler = pending;
    pending = null;
    handler?.(interaction);
  });
  const ready = new Promise<void>((resolve) => client.once('clientReady', () => resolve()));
  await client.login(TOKEN);
  await ready;
  await client.application!.commands.set([
    {
      name: 'try',
      description: 'Exercise a rule',
      options: [{ type: ApplicationCommandOptionType.String, name: 'what', description: 'Which rule' }],
    },
  ]);
});

afterAll(async () => {
  await client?.destroy();
  await fake?.close();
});

describe('Discord rules in the fake', () => {
  test('edits: no `attachments` keeps the files; a listed id keeps one; an empty list drops all', async () => {
    const handled = handleNext(async (i) => {
      const interaction = slash(i);
      await interaction.deferReply();
      await interaction.editReply({ content: 'one', files: [{ attachment: fileA, name: 'a.bin' }] });
      // discord.js adds the new file to `attachments`: [] + b -> only b remains.
      const second = await interaction.editReply({
        content: 'two',
        attachments: [],
        files: [{ attachment: fileB, name: 'b.bin' }],
      });
      // keep b by id, add c
      await interaction.editReply({
        attachments: [...second.attachments.values()],
        files: [{ attachment: fileC, name: 'c.bin' }],
      });
      await interaction.editReply({ content: 'bare', attachments: [] });
    });
    const sent = await fake.slashCommand({ name: 'try', user: ANN });
    await handled;
    const message = fake.originalResponse(sent.id)!;
    const names = message.revisions.map((r) => r.attachments.map((a) => a.filename).join('+'));
    expect(names).toEqual(['', 'a.bin', 'b.bin', 'b.bin+c.bin', '']);
    expect(message.revisions[3].attachments[1].bytes.equals(fileC)).toBe(true);
    expect(message.content).toBe('bare');
  });

  test('the first follow-up to a deferred reply replaces the loading message; the next one is new', async () => {
    const handled = handleNext(async (i) => {
      const interaction = slash(i);
      await interaction.deferReply();
      const first = await interaction.followUp({ content: 'first' });
      // Without ?wait=true too: for interaction follow-ups Discord always returns the message.
      const second = (await client.rest.post(Routes.webhook(APP_ID, interaction.token), {
        body: { content: 'second' },
        auth: false,
      })) as { id: string };
      return [first.id, second.id];
    });
    const before = fake.messages(CHANNEL).length;
    const sent = await fake.slashCommand({ name: 'try', user: ANN });
    const ids = await handled;
    const added = fake.messages(CHANNEL).slice(before);
    expect(added.map((m) => m.content)).toEqual(['first', 'second']);
    expect(added.map((m) => m.id)).toEqual(ids);
    expect(added[0].id).toBe(fake.interaction(sent.id).originalMessageId);
  });

  test('an ephemeral deferred reply stays ephemeral and is not in the channel history', async () => {
    const handled = handleNext(async (i) => {
      const interaction = slash(i);
      await interaction.deferReply({ flags: MessageFlags.Ephemeral });
      await interaction.editReply({ content: 'just for you' });
      const channel = await client.channels.fetch(CHANNEL);
      if (!channel?.isTextBased()) throw new Error('no text channel');
      return [...(await channel.messages.fetch({ limit: 50 })).keys()];
    });
    const sent = await fake.slashCommand({ name: 'try', user: ANN });
    const history = await handled;
    const reply = fake.originalResponse(sent.id)!;
    expect(reply).toMatchObject({ content: 'just for you', ephemeral: true });
    expect(history).not.toContain(reply.id);
  });

  test('a callback after the acknowledgement deadline gets 10062 Unknown interaction', async () => {
    const handled = handleNext(async (i) => {
      const interaction = slash(i);
      await new Promise((r) => setTimeout(r, 700));
      return interaction.deferReply().catch((e: unknown) => e);
    });
    const sent = await fake.slashCommand({ name: 'try', user: ANN });
    const error = await handled;
    expect(error).toBeInstanceOf(DiscordAPIError);
    expect((error as DiscordAPIError).code).toBe(10062);
    expect(fake.interaction(sent.id).callbackType).toBeNull();
  });

  test('webhook calls before the callback get 10015; REST without the bot token gets 401', async () => {
    const handled = handleNext(async (i) => {
      const interaction = slash(i);
      const early = await client.rest
        .patch(Routes.webhookMessage(APP_ID, interaction.token, '@original'), {
          body: { content: 'x' },
          auth: false,
        })
        .catch((e: unknown) => e);
      await interaction.reply({ content: 'ok' });
      return early;
    });
    await fake.slashCommand({ name: 'try', user: ANN });
    expect(((await handled) as DiscordAPIError).code).toBe(10015);
    const anonymous = await fetch(`${fake.url}/api/v10/channels/${CHANNEL}`);
    expect(anonymous.status).toBe(401);
    const wrong = await fetch(`${fake.url}/api/v10/channels/${CHANNEL}`, {
      headers: { authorization: 'Bot nope' },
    });
    expect(wrong.status).toBe(401);
  });

  test('limits: six buttons in a row and an empty message are refused, naming the problem', async () => {
    const handled = handleNext(async (i) => {
      const interaction = slash(i);
      await interaction.deferReply();
      const button = (n: number) => ({ type: 2, style: 1, custom_id: `b${n}`, label: `B${n}` });
      const tooMany = await interaction
        .editReply({ content: 'x', components: [{ type: 1, components: [1, 2, 3, 4, 5, 6].map(button) }] })
        .catch((e: unknown) => e);
      const empty = await interaction.editReply({ content: '' }).catch((e: unknown) => e);
      await interaction.editReply({ content: 'fine' });
      return { tooMany, empty };
    });
    await fake.slashCommand({ name: 'try', user: ANN });
    const { tooMany, empty } = await handled;
    expect((tooMany as DiscordAPIError).code).toBe(50035);
    expect((tooMany as DiscordAPIError).message).toMatch(/components\[0\]\.components/);
    expect((empty as DiscordAPIError).code).toBe(50006);
  });

  test('members carry their roles and permissions; a DM has a user and no guild', async () => {
    const inGuild = handleNext(async (i) => {
      const interaction = slash(i);
      await interaction.reply({ content: 'ok', flags: MessageFlags.Ephemeral });
      const roles = interaction.inCachedGuild() ? [...interaction.member.roles.cache.keys()] : [];
      return { manage: interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild), roles };
    });
    await fake.slashCommand({ name: 'try', user: ANN, roles: [ADMIN_ROLE] });
    expect(await inGuild).toEqual({ manage: true, roles: expect.arrayContaining([ADMIN_ROLE]) });

    const plain = handleNext(async (i) => {
      const interaction = slash(i);
      await interaction.reply({ content: 'ok', flags: MessageFlags.Ephemeral });
      return interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild);
    });
    await fake.slashCommand({ name: 'try', user: ANN });
    expect(await plain).toBe(false);

    const inDm = handleNext(async (i) => {
      const interaction = slash(i);
      await interaction.reply({ content: 'hi' });
      // discord.js builds DM channel objects only with Partials.Channel, as against Discord.
      return { guild: interaction.guildId, user: interaction.user.id, context: interaction.context };
    });
    await fake.slashCommand({ name: 'try', user: ANN, guildId: null });
    expect(await inDm).toEqual({ guild: null, user: ANN.id, context: 1 });
  });

  test('a select menu choice arrives with its values; a user message reaches the bot as MESSAGE_CREATE', async () => {
    const handled = handleNext(async (i) => {
      const interaction = slash(i);
      await interaction.reply({
        content: 'pick',
        components: [
          {
            type: 1,
            components: [
              {
                type: 3,
                custom_id: 'sampler',
                options: [
                  { label: 'Euler', value: 'euler' },
                  { label: 'DDIM', value: 'ddim' },
                ],
              },
            ],
          },
        ],
      });
    });
    const sent = await fake.slashCommand({ name: 'try', user: ANN });
    await handled;
    const picked = handleNext(async (i) => {
      if (!i.isStringSelectMenu()) throw new Error('expected a select menu');
      await i.deferUpdate();
      return i.values;
    });
    await fake.selectMenu({
      message: fake.originalResponse(sent.id)!.id,
      customId: 'sampler',
      values: ['ddim'],
      user: ANN,
    });
    expect(await picked).toEqual(['ddim']);

    const created = new Promise<string>((resolve) =>
      client.once('messageCreate', (m) => resolve(`${m.author.id}:${m.channelId}`)),
    );
    fake.postUserMessage({ channelId: CHANNEL, author: ANN, content: 'hello bot', dispatch: true });
    expect(await created).toBe(`${ANN.id}:${CHANNEL}`);
  });
  test('a modal laid out with labels is submitted in the same layout; prefilled values stay', async () => {
    const shown = handleNext(async (i) => {
      const interaction = slash(i);
      await interaction.showModal({
        custom_id: 'settings',
        title: 'Your defaults',
        components: [
          { type: 18, label: 'Steps', component: { type: 4, custom_id: 'steps', style: 1, value: '20' } },
          {
            type: 18,
            label: 'Negative',
            component: { type: 4, custom_id: 'negative', style: 2, required: false },
          },
        ],
      });
    });
    const opened = await fake.slashCommand({ name: 'try', user: ANN });
    await shown;
    const submitted = handleNext(async (i) => {
      if (!i.isModalSubmit()) throw new Error('expected a modal submit');
      await i.reply({ content: 'saved', flags: MessageFlags.Ephemeral });
      return { steps: i.fields.getTextInputValue('steps'), negative: i.fields.getTextInputValue('negative') };
    });
    await fake.submitModal({ fromInteraction: opened.id, fields: { negative: 'blurry' } });
    expect(await submitted).toEqual({ steps: '20', negative: 'blurry' });
    await expect(fake.submitModal({ fromInteraction: opened.id, fields: { seed: '1' } })).rejects.toThrow(
      /no field "seed"/,
    );
  });
});
