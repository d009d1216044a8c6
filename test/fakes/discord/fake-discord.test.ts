// The fake Discord proven with a real, unmodified discord.js client: login over the gateway,
// commands registered in bulk, interactions answered with deferrals, edits, files, buttons and
// modals, and the fake's record showing exactly what was sent.

import { createPublicKey, verify } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ActionRowBuilder,
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ButtonBuilder,
  ButtonStyle,
  Client,
  DiscordAPIError,
  EmbedBuilder,
  GatewayIntentBits,
  type Interaction,
  MessageFlags,
  ModalBuilder,
  REST,
  type RESTPostAPIApplicationCommandsJSONBody,
  Routes,
  TextInputBuilder,
  TextInputStyle,
} from 'discord.js';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type FakeDiscord, startFakeDiscord } from './fake-discord.ts';

const TOKEN = 'fake-bot-token.abc.def';
const APP_ID = '1300000000000000001';
const GUILD_ID = '1300000000000000100';
const ART_CHANNEL = '1300000000000000101';
const NSFW_CHANNEL = '1300000000000000102';
const ARTIST_ROLE = '1300000000000000200';
const ANN = { id: '1300000000000000301', username: 'ann' };
const BOB = { id: '1300000000000000302', username: 'bob' };

const commands: RESTPostAPIApplicationCommandsJSONBody[] = [
  {
    name: 'imagine',
    description: 'Make a picture',
    options: [
      {
        type: ApplicationCommandOptionType.String,
        name: 'prompt',
        description: 'What to draw',
        required: true,
      },
      {
        type: ApplicationCommandOptionType.Integer,
        name: 'steps',
        description: 'Steps',
        min_value: 1,
        max_value: 50,
      },
    ],
  },
  {
    name: 'remix',
    description: 'Change a picture',
    options: [
      {
        type: ApplicationCommandOptionType.Attachment,
        name: 'image',
        description: 'The picture',
        required: true,
      },
      {
        type: ApplicationCommandOptionType.String,
        name: 'prompt',
        description: 'What to change',
        required: true,
      },
    ],
  },
  { name: 'Inpaint', type: ApplicationCommandType.Message },
];

async function solidPng(width: number, height: number, rgb: [number, number, number]): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } })
    .png()
    .toBuffer();
}

let fake: FakeDiscord;
let client: Client;
let pending: ((interaction: Interaction) => void) | null = null;

/** Runs `handler` on the next interaction the client receives; resolves with its result. */
function handleNext<T>(handler: (interaction: Interaction) => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    pending = (interaction) => handler(interaction).then(resolve, reject);
  });
}

beforeAll(async () => {
  fake = await startFakeDiscord({
    token: TOKEN,
    applicationId: APP_ID,
    guilds: [
      {
        id: GUILD_ID,
        name: 'Painters',
        channels: [
          { id: ART_CHANNEL, name: 'art' },
          { id: NSFW_CHANNEL, name: 'after-dark', nsfw: true },
        ],
        roles: [{ id: ARTIST_ROLE, name: 'artist', permissions: 1n << 5n }],
      },
    ],
  });
  client = new Client({ intents: [GatewayIntentBits.Guilds], rest: fake.restOptions });
  client.on('interactionCreate', (interaction) => {
    const handler = pending;
    pending = null;
    handler?.(interaction);
  });
  const ready = new Promise<void>((resolve) => client.once('clientReady', () => resolve()));
  await client.login(TOKEN);
  await ready;
});

afterAll(async () => {
  await client?.destroy();
  await fake?.close();
});

describe('fake Discord driven by discord.js', () => {
  test('login: READY and GUILD_CREATE give discord.js the bot user, application and guild channels', () => {
    expect(client.user?.id).toBe(APP_ID);
    expect(client.application?.id).toBe(APP_ID);
    const guild = client.guilds.cache.get(GUILD_ID);
    expect(guild?.name).toBe('Painters');
    const nsfw = guild?.channels.cache.get(NSFW_CHANNEL);
    const art = guild?.channels.cache.get(ART_CHANNEL);
    expect(nsfw && 'nsfw' in nsfw && nsfw.nsfw).toBe(true);
    expect(art && 'nsfw' in art && art.nsfw).toBe(false);
    expect(guild?.roles.cache.get(ARTIST_ROLE)?.name).toBe('artist');
    const gatewayBot = fake.requests.find((r) => r.route === '/gateway/bot');
    expect(gatewayBot?.authorization).toBe(`Bot ${TOKEN}`);
    expect(fake.gatewayFrames.find((f) => f.op === 2)?.d).toMatchObject({ intents: 1, shard: [0, 1] });
  });

  test('a wrong token gets 401 and discord.js refuses to log in', async () => {
    const stranger = new Client({ intents: [], rest: fake.restOptions });
    await expect(stranger.login('wrong-token')).rejects.toThrow(/invalid token/i);
    await stranger.destroy();
    expect(fake.requests.at(-1)).toMatchObject({ route: '/gateway/bot', status: 401 });
  });

  test('commands.set is one bulk PUT; the commands come back with ids and are listed', async () => {
    const before = fake.requests.length;
    const set = await client.application!.commands.set(commands);
    const puts = fake.requests.slice(before);
    expect(puts.map((r) => `${r.method} ${r.route}`)).toEqual(['PUT /applications/:app/commands']);
    expect((puts[0].body as Array<{ name: string }>).map((c) => c.name)).toEqual([
      'imagine',
      'remix',
      'Inpaint',
    ]);
    expect([...set.values()].map((c) => c.name).sort()).toEqual(['Inpaint', 'imagine', 'remix']);
    expect([...set.keys()].every((id) => /^\d{17,20}$/.test(id))).toBe(true);
    const fetched = await client.application!.commands.fetch();
    expect([...fetched.keys()].sort()).toEqual([...set.keys()].sort());

    // A second overwrite keeps the ids of commands that stay; guild scope is separate.
    const again = await client.application!.commands.set(commands);
    expect([...again.keys()].sort()).toEqual([...set.keys()].sort());
    await client.application!.commands.set([commands[0]], GUILD_ID);
    expect(fake.commands(GUILD_ID).map((c) => c.name)).toEqual(['imagine']);
    expect(fake.commands().length).toBe(3);
  });

  test('/imagine: deferReply then editReply with a PNG, an embed and buttons; the record has the bytes', async () => {
    const png = await solidPng(64, 48, [220, 30, 30]);
    const handled = handleNext(async (interaction) => {
      if (!interaction.isChatInputCommand())
        throw new Error(`expected a slash command, got ${interaction.type}`);
      await interaction.deferReply();
      const prompt = interaction.options.getString('prompt', true);
      const steps = interaction.options.getInteger('steps');
      const embed = new EmbedBuilder()
        .setTitle(prompt)
        .addFields({ name: 'Seed', value: '1234', inline: true }, { name: 'Steps', value: String(steps) })
        .setImage('attachment://result.png');
      const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
        new ButtonBuilder().setCustomId('reroll:1').setLabel('Reroll').setStyle(ButtonStyle.Secondary),
        new ButtonBuilder().setCustomId('edit:1').setLabel('Edit').setStyle(ButtonStyle.Primary),
      );
      await interaction.editReply({
        content: 'done',
        embeds: [embed],
        files: [{ attachment: png, name: 'result.png' }],
        components: [row],
      });
      return {
        user: interaction.user.id,
        guild: interaction.guildId,
        channel: interaction.channelId,
        prompt,
        steps,
      };
    });
    const sent = await fake.slashCommand({
      name: 'imagine',
      options: { prompt: 'a red square', steps: 12 },
      user: ANN,
      channelId: ART_CHANNEL,
    });
    expect(await handled).toEqual({
      user: ANN.id,
      guild: GUILD_ID,
      channel: ART_CHANNEL,
      prompt: 'a red square',
      steps: 12,
    });

    const [callback, edit] = fake.interactionResponses(sent.id);
    expect(callback).toMatchObject({
      route: '/interactions/:interaction/:token/callback',
      status: 204,
      body: { type: 5 },
    });
    expect(edit).toMatchObject({
      method: 'PATCH',
      route: '/webhooks/:app/:token/messages/:message',
      status: 200,
    });
    expect(edit.params.message).toBe('@original');
    expect(edit.contentType).toMatch(/^multipart\/form-data/);
    expect(edit.files).toHaveLength(1);
    expect(edit.files[0]).toMatchObject({
      field: 'files[0]',
      filename: 'result.png',
      contentType: 'image/png',
    });
    expect(edit.files[0].bytes.equals(png)).toBe(true);
    expect(edit.body).toMatchObject({
      embeds: [
        {
          title: 'a red square',
          fields: [
            { name: 'Seed', value: '1234' },
            { name: 'Steps', value: '12' },
          ],
        },
      ],
    });

    // The channel's state: one message, no longer loading, carrying the picture, embed and buttons.
    const [message] = fake.messages(ART_CHANNEL);
    expect(message.id).toBe(fake.interaction(sent.id).originalMessageId);
    expect(message.flags & 128).toBe(0);
    expect(message.revisions).toHaveLength(2);
    expect(message.attachments[0].bytes.equals(png)).toBe(true);
    expect(message.attachments[0]).toMatchObject({
      width: 64,
      height: 48,
      size: png.length,
      content_type: 'image/png',
    });
    expect(message.embeds[0].image?.url).toBe(message.attachments[0].url);
    expect(message.components[0]).toMatchObject({
      type: 1,
      components: [{ custom_id: 'reroll:1' }, { custom_id: 'edit:1' }],
    });
    // The CDN route serves the bytes at the attachment's URL.
    const served = Buffer.from(await (await fetch(message.attachments[0].url)).arrayBuffer());
    expect(served.equals(png)).toBe(true);
  });

  test('a button press arrives as a ButtonInteraction from the right user; update() edits the message', async () => {
    const [message] = fake.messages(ART_CHANNEL);
    const handled = handleNext(async (interaction) => {
      if (!interaction.isButton()) throw new Error('expected a button');
      await interaction.update({ content: 'rerolling', components: [] });
      return {
        customId: interaction.customId,
        user: interaction.user.id,
        message: interaction.message.id,
        embed: interaction.message.embeds[0]?.title,
      };
    });
    const sent = await fake.pressButton({ message: message.id, customId: 'reroll:1', user: BOB });
    expect(await handled).toEqual({
      customId: 'reroll:1',
      user: BOB.id,
      message: message.id,
      embed: 'a red square',
    });
    expect(fake.interaction(sent.id).callbackType).toBe(7);
    const after = fake.message(message.id);
    expect(after.content).toBe('rerolling');
    expect(after.components).toEqual([]);
    expect(after.attachments).toHaveLength(1); // no `attachments` field in the edit: the picture stays
    await expect(fake.pressButton({ message: message.id, customId: 'reroll:1' })).rejects.toThrow(
      /no component/,
    );
  });

  test('a slash command attachment option arrives resolved; the bot can fetch it from the CDN', async () => {
    const png = await solidPng(32, 32, [20, 40, 220]);
    const handled = handleNext(async (interaction) => {
      if (!interaction.isChatInputCommand()) throw new Error('expected a slash command');
      const image = interaction.options.getAttachment('image', true);
      const bytes = Buffer.from(await (await fetch(image.url)).arrayBuffer());
      await interaction.reply({
        content: `got ${image.name} ${image.width}x${image.height}`,
        flags: MessageFlags.Ephemeral,
      });
      return bytes;
    });
    const sent = await fake.slashCommand({
      name: 'remix',
      options: { image: { bytes: png, filename: 'blue.png', contentType: 'image/png' }, prompt: 'greener' },
      user: ANN,
      roles: [ARTIST_ROLE],
    });
    expect((await handled).equals(png)).toBe(true);
    const reply = fake.originalResponse(sent.id);
    expect(reply).toMatchObject({ content: 'got blue.png 32x32', ephemeral: true, type: 20 });
    expect(fake.cdnRequests.some((r) => r.status === 200)).toBe(true);
  });

  test('a message context-menu command sees the target message and its attachment', async () => {
    const png = await solidPng(40, 30, [30, 200, 30]);
    const target = fake.postUserMessage({
      channelId: ART_CHANNEL,
      author: BOB,
      content: 'fix this',
      attachments: [fake.addAttachment(png, 'green.png', 'image/png')],
    });
    const handled = handleNext(async (interaction) => {
      if (!interaction.isMessageContextMenuCommand()) throw new Error('expected a message context menu');
      const attachment = interaction.targetMessage.attachments.first();
      await interaction.reply({ content: `inpaint ${attachment?.name}`, flags: MessageFlags.Ephemeral });
      return {
        target: interaction.targetId,
        author: interaction.targetMessage.author.id,
        url: attachment?.url,
      };
    });
    const sent = await fake.messageContextMenu({ name: 'Inpaint', targetMessage: target.id, user: ANN });
    expect(await handled).toEqual({ target: target.id, author: BOB.id, url: target.attachments[0].url });
    expect(fake.originalResponse(sent.id)).toMatchObject({
      content: 'inpaint green.png',
      type: 23,
      ephemeral: true,
    });
  });

  test('a modal shown from a button comes back as a ModalSubmitInteraction with the edited value', async () => {
    const [message] = fake.messages(ART_CHANNEL).filter((m) => m.author.id === APP_ID && !m.ephemeral);
    await client.channels.fetch(ART_CHANNEL);
    // Give the message its buttons again (through the channel route, with the bot token).
    const channel = client.channels.cache.get(ART_CHANNEL);
    if (!channel?.isTextBased() || !('messages' in channel)) throw new Error('no text channel');
    await channel.messages.edit(message.id, {
      components: [
        new ActionRowBuilder<ButtonBuilder>().addComponents(
          new ButtonBuilder().setCustomId('edit:1').setLabel('Edit').setStyle(ButtonStyle.Primary),
        ),
      ],
    });
    const opened = handleNext(async (interaction) => {
      if (!interaction.isButton()) throw new Error('expected a button');
      const modal = new ModalBuilder()
        .setCustomId('edit-modal:1')
        .setTitle('Edit the prompt')
        .addComponents(
          new ActionRowBuilder<TextInputBuilder>().addComponents(
            new TextInputBuilder()
              .setCustomId('prompt')
              .setLabel('Prompt')
              .setStyle(TextInputStyle.Paragraph)
              .setValue('a red square'),
          ),
          new ActionRowBuilder<TextInputBuilder>().addComponents(
            new TextInputBuilder()
              .setCustomId('negative')
              .setLabel('Negative')
              .setStyle(TextInputStyle.Short)
              .setValue('blurry')
              .setRequired(false),
          ),
        );
      await interaction.showModal(modal);
    });
    const press = await fake.pressButton({ message: message.id, customId: 'edit:1', user: ANN });
    await opened;
    expect(fake.interaction(press.id).modal).toMatchObject({
      custom_id: 'edit-modal:1',
      title: 'Edit the prompt',
    });

    const submitted = handleNext(async (interaction) => {
      if (!interaction.isModalSubmit()) throw new Error('expected a modal submit');
      await interaction.reply({ content: 'queued', flags: MessageFlags.Ephemeral });
      return {
        customId: interaction.customId,
        prompt: interaction.fields.getTextInputValue('prompt'),
        negative: interaction.fields.getTextInputValue('negative'),
        user: interaction.user.id,
        fromMessage: interaction.message?.id,
      };
    });
    await fake.submitModal({ fromInteraction: press.id, fields: { prompt: 'a blue square' } });
    expect(await submitted).toEqual({
      customId: 'edit-modal:1',
      prompt: 'a blue square',
      negative: 'blurry',
      user: ANN.id,
      fromMessage: message.id,
    });
  });

  test("Discord's rules: a second callback is refused, over-long content gets 50035 naming the field", async () => {
    const handled = handleNext(async (interaction) => {
      if (!interaction.isChatInputCommand()) throw new Error('expected a slash command');
      const tooLong = await interaction.reply({ content: 'x'.repeat(2001) }).catch((e: unknown) => e);
      await interaction.reply({ content: 'short' });
      // discord.js believes it replied; ask Discord for a second callback anyway.
      const second = await client.rest
        .post(`/interactions/${interaction.id}/${interaction.token}/callback`, {
          body: { type: 4, data: { content: 'again' } },
          auth: false,
        })
        .catch((e: unknown) => e);
      return { tooLong, second };
    });
    await fake.slashCommand({ name: 'imagine', options: { prompt: 'p' }, user: ANN });
    const { tooLong, second } = await handled;
    expect(tooLong).toBeInstanceOf(DiscordAPIError);
    expect((tooLong as DiscordAPIError).code).toBe(50035);
    expect((tooLong as DiscordAPIError).message).toMatch(/content\[BASE_TYPE_MAX_LENGTH\]/);
    expect((second as DiscordAPIError).code).toBe(40060);
    await expect(fake.slashCommand({ name: 'imagine', options: { prompt: 'p', steps: 99 } })).rejects.toThrow(
      /at most 50/,
    );
    await expect(fake.slashCommand({ name: 'imagine', options: {} })).rejects.toThrow(
      /needs option "prompt"/,
    );
  });

  test('an injected 429 on the edit route is waited out and retried by discord.js', async () => {
    fake.rateLimit({
      method: 'PATCH',
      route: '/webhooks/:app/:token/messages/:message',
      times: 1,
      retryAfterMs: 150,
    });
    const handled = handleNext(async (interaction) => {
      if (!interaction.isChatInputCommand()) throw new Error('expected a slash command');
      await interaction.deferReply();
      await interaction.editReply({ content: 'after the limit' });
    });
    const sent = await fake.slashCommand({ name: 'imagine', options: { prompt: 'slow' }, user: ANN });
    await handled;
    const edits = fake.interactionResponses(sent.id).filter((r) => r.method === 'PATCH');
    expect(edits.map((r) => r.status)).toEqual([429, 200]);
    expect(edits[0].response).toMatchObject({ retry_after: 0.15, global: false });
    expect(fake.originalResponse(sent.id)?.content).toBe('after the limit');
  });

  test('a dropped gateway connection is resumed and interactions keep arriving', async () => {
    fake.disconnectGateway(4000);
    await fake.waitFor(() => fake.gatewayFrames.find((f) => f.op === 6), 10_000, 'a RESUME');
    const handled = handleNext(async (interaction) => {
      if (!interaction.isChatInputCommand()) throw new Error('expected a slash command');
      await interaction.reply({ content: 'still here' });
    });
    const sent = await fake.slashCommand({ name: 'imagine', options: { prompt: 'after resume' }, user: ANN });
    await handled;
    expect(fake.originalResponse(sent.id)?.content).toBe('still here');
    expect(fake.gatewayFrames.filter((f) => f.op === 2)).toHaveLength(1);
  });

  test('interactions endpoint mode: signed POSTs that verify with the public key; the response is the callback', async () => {
    // A minimal endpoint, as a bot in HTTP mode has: check the signature, answer in the response.
    const key = createPublicKey({
      key: Buffer.concat([
        Buffer.from('302a300506032b6570032100', 'hex'),
        Buffer.from(fake.publicKey, 'hex'),
      ]),
      format: 'der',
      type: 'spki',
    });
    const endpoint = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const body = Buffer.concat(chunks).toString();
      const signature = Buffer.from(String(req.headers['x-signature-ed25519']), 'hex');
      const signed = Buffer.from(String(req.headers['x-signature-timestamp']) + body);
      if (!verify(null, signed, key, signature))
        return void res.writeHead(401).end('invalid request signature');
      const interaction = JSON.parse(body);
      const prompt = interaction.data?.options?.[0]?.value;
      if (prompt === 'deferred') {
        // Defer in the response and edit at once: the edit reaches Discord while it is still
        // reading the response (finished 100 ms later), and must still find the deferred message.
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"type":');
        new REST({ api: fake.restOptions.api })
          .patch(Routes.webhookMessage(APP_ID, interaction.token, '@original'), {
            body: { content: 'edited right away' },
            auth: false,
          })
          .catch(() => undefined);
        setTimeout(() => res.end('5}'), 100);
        return;
      }
      const answer =
        interaction.type === 1
          ? { type: 1 }
          : { type: 4, data: { content: `hello ${interaction.member.user.username}` } };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    });
    await new Promise<void>((resolve) => endpoint.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(endpoint.address() as AddressInfo).port}/interactions`;
    try {
      fake.deliverInteractionsTo(url);
      const ping = await fake.ping();
      expect(ping.status).toBe(200);
      expect(fake.interaction(ping.id).callbackType).toBe(1);
      const sent = await fake.slashCommand({ name: 'imagine', options: { prompt: 'over http' }, user: ANN });
      expect(fake.interactionResponses(sent.id)).toMatchObject([
        { viaEndpoint: true, status: 200, body: { type: 4 } },
      ]);
      expect(fake.originalResponse(sent.id)?.content).toBe('hello ann');
      const deferred = await fake.slashCommand({
        name: 'imagine',
        options: { prompt: 'deferred' },
        user: ANN,
      });
      await fake.waitFor(
        () => fake.originalResponse(deferred.id)?.content === 'edited right away',
        5_000,
        'the edit',
      );
      expect(fake.interactionResponses(deferred.id).map((r) => [r.method, r.status])).toEqual([
        ['POST', 200],
        ['PATCH', 200],
      ]);
      // The same headers on a changed body do not verify.
      const headers = fake.signInteraction('{"type":1}');
      const tampered = await fetch(url, { method: 'POST', headers: { ...headers }, body: '{"type":2}' });
      expect(tampered.status).toBe(401);
    } finally {
      fake.deliverInteractionsTo(null);
      endpoint.close();
    }
  });

  test('client.destroy() closes the session: nothing is left to dispatch to', async () => {
    await client.destroy();
    await fake.waitFor(
      () => fake.gatewayConnections === 0 || undefined,
      5_000,
      'the gateway connection to close',
    );
    expect(() => fake.dispatch('TYPING_START', {})).toThrow(/no bot is connected/);
    expect(fake.faults).toEqual([]);
  });

  test('a restarted bot identifies afresh and buttons on old messages still reach it', async () => {
    const [message] = fake.messages(ART_CHANNEL).filter((m) => m.author.id === APP_ID && !m.ephemeral);
    client = new Client({ intents: [GatewayIntentBits.Guilds], rest: fake.restOptions });
    client.on('interactionCreate', (interaction) => {
      const handler = pending;
      pending = null;
      handler?.(interaction);
    });
    await client.login(TOKEN);
    const handled = handleNext(async (interaction) => {
      if (!interaction.isButton()) throw new Error('expected a button');
      await interaction.deferUpdate();
      await interaction.editReply({ content: 'edited after restart' });
      return interaction.customId;
    });
    await fake.pressButton({ message: message.id, customId: 'edit:1', user: ANN });
    expect(await handled).toBe('edit:1');
    expect(fake.message(message.id).content).toBe('edited after restart');
    expect(fake.gatewayFrames.filter((f) => f.op === 2)).toHaveLength(2);
  });
});
