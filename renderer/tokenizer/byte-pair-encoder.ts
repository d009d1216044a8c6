// Byte-pair merging of one pre-split word: the lowest-ranked adjacent pair is merged everywhere
// until no listed pair is left. The last symbol carries the end-of-word mark `</w>`.

export const END_OF_WORD = '</w>';
/** Words are cached because prompts repeat them; the bound keeps a long-running service's memory flat. */
const CACHE_LIMIT = 20_000;

export class BytePairEncoder {
  private readonly ranks = new Map<string, number>();
  private readonly cache = new Map<string, readonly string[]>();

  /** `merges` in priority order, each a pair of symbols. */
  constructor(merges: readonly (readonly [string, string])[]) {
    merges.forEach(([a, b], rank) => {
      const key = pairKey(a, b);
      // A repeated pair keeps its first, best rank.
      if (!this.ranks.has(key)) this.ranks.set(key, rank);
    });
  }

  /** Symbols of `word`, a string of byte-mapped characters (one UTF-16 unit each). */
  encodeWord(word: string): readonly string[] {
    const cached = this.cache.get(word);
    if (cached) return cached;
    const symbols = this.merge(word);
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    this.cache.set(word, symbols);
    return symbols;
  }

  private merge(word: string): string[] {
    let symbols = Array.from(word);
    symbols[symbols.length - 1] += END_OF_WORD;
    while (symbols.length > 1) {
      let best = -1;
      let bestRank = Number.POSITIVE_INFINITY;
      for (let i = 0; i + 1 < symbols.length; i++) {
        const rank = this.ranks.get(pairKey(symbols[i], symbols[i + 1]));
        if (rank !== undefined && rank < bestRank) {
          bestRank = rank;
          best = i;
        }
      }
      if (best < 0) break;
      symbols = mergeAll(symbols, symbols[best], symbols[best + 1]);
    }
    return symbols;
  }
}

/** Replaces every non-overlapping `first second`, left to right, by their concatenation. */
function mergeAll(symbols: string[], first: string, second: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < symbols.length; i++) {
    if (symbols[i] === first && i + 1 < symbols.length && symbols[i + 1] === second) {
      out.push(first + second);
      i++;
    } else {
      out.push(symbols[i]);
    }
  }
  return out;
}

// Symbols never contain a space (bytes are mapped away from it), so it separates the pair safely.
function pairKey(a: string, b: string): string {
  return `${a} ${b}`;
}
