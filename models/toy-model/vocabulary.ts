// The words the toy model knows. Each meaning has one embedding row; synonyms share it. Words not
// listed here (and "a", "on", "the", ...) carry no meaning and encode to zero.

export const BACKGROUNDS = ['sky', 'sea', 'grass', 'night', 'sand', 'snow'] as const;
export const SHAPES = ['circle', 'square', 'triangle'] as const;
export const COLOURS = ['red', 'orange', 'yellow', 'green', 'blue', 'purple', 'pink', 'white'] as const;
export const POSITIONS = ['left', 'centre', 'right'] as const;

export type Background = (typeof BACKGROUNDS)[number];
export type Shape = (typeof SHAPES)[number];
export type Colour = (typeof COLOURS)[number];
export type Position = (typeof POSITIONS)[number];

/** Other words for the same meaning. */
export const SYNONYMS: Record<string, string> = {
  ocean: 'sea',
  water: 'sea',
  meadow: 'grass',
  field: 'grass',
  dark: 'night',
  stars: 'night',
  beach: 'sand',
  desert: 'sand',
  winter: 'snow',
  ball: 'circle',
  disc: 'circle',
  dot: 'circle',
  box: 'square',
  block: 'square',
  pyramid: 'triangle',
  violet: 'purple',
  center: 'centre',
  middle: 'centre',
};

/** Every meaning, in embedding-row order. */
export const MEANINGS: readonly string[] = [...BACKGROUNDS, ...SHAPES, ...COLOURS, ...POSITIONS];

/** Every word the tokenizer must keep whole, with the meaning it stands for. */
export function knownWords(): Map<string, string> {
  const words = new Map<string, string>(MEANINGS.map((m) => [m, m]));
  for (const [word, meaning] of Object.entries(SYNONYMS)) words.set(word, meaning);
  return words;
}

/** A shape colour that would vanish into a background is not drawn on it. */
export const CLASHES: Record<Background, readonly Colour[]> = {
  sky: ['blue'],
  sea: ['blue'],
  grass: ['green'],
  night: [],
  sand: [],
  snow: ['white'],
};
