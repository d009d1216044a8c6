// Discord ids are snowflakes: milliseconds since the Discord epoch in the top bits, a counter below.
// Real-looking ids matter because discord.js reads timestamps out of them (createdAt).
const DISCORD_EPOCH = 1_420_070_400_000n;
let counter = 0n;

/** A fresh snowflake id, unique within this process and ordered by creation. */
export function nextSnowflake(): string {
  counter = (counter + 1n) & 0xfffn;
  return (((BigInt(Date.now()) - DISCORD_EPOCH) << 22n) | (1n << 17n) | counter).toString();
}

/** The creation time (ms since 1970) encoded in a snowflake. */
export function snowflakeTime(id: string): number {
  return Number((BigInt(id) >> 22n) + DISCORD_EPOCH);
}
