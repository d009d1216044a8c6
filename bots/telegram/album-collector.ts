// Telegram delivers an album as separate messages sharing a media_group_id. They are collected for
// a short wait after the last one arrives, then handled together, in the order they were sent.
export class AlbumCollector<M extends { message_id: number }> {
  private groups = new Map<string, { messages: M[]; timer: NodeJS.Timeout }>();

  constructor(
    private readonly waitMs: number,
    private readonly handle: (messages: M[]) => Promise<void>,
    private readonly log: (line: string) => void,
  ) {}

  add(groupKey: string, message: M): void {
    const group = this.groups.get(groupKey) ?? {
      messages: [],
      timer: undefined as unknown as NodeJS.Timeout,
    };
    clearTimeout(group.timer);
    group.messages.push(message);
    group.timer = setTimeout(() => {
      this.groups.delete(groupKey);
      const ordered = group.messages.sort((a, b) => a.message_id - b.message_id);
      void this.handle(ordered).catch((err) =>
        this.log(`telegram: album ${groupKey}: ${(err as Error).message}`),
      );
    }, this.waitMs);
    this.groups.set(groupKey, group);
  }

  /** Drops albums still waiting (on stop). */
  clear(): void {
    for (const group of this.groups.values()) clearTimeout(group.timer);
    this.groups.clear();
  }
}
