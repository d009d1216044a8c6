// The words the toy model knows and what each token tells its text encoder. Synonyms share a
// meaning; words not listed here ("a", "on", "the", ...) tell nothing.

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

/** Words and marks that end a clause: a position word binds to an object of its own clause first. */
export const SEPARATOR_WORDS = ['and', 'with'] as const;
export const SEPARATOR_MARKS = [',', ';', '.', '&', '+'] as const;

/** Every content meaning, in the order of the token feature columns. */
export const MEANINGS: readonly string[] = [...COLOURS, ...SHAPES, ...BACKGROUNDS, ...POSITIONS];

/** Columns of a token's feature row (the text encoder's embedding table). */
export const FEATURE = {
  colour: 0,
  shape: COLOURS.length,
  background: COLOURS.length + SHAPES.length,
  position: COLOURS.length + SHAPES.length + BACKGROUNDS.length,
  separator: MEANINGS.length,
  count: MEANINGS.length + 1,
} as const;

/** Every word the tokenizer must keep whole, with the meaning it stands for ('separator' for and/with). */
export function knownWords(): Map<string, string> {
  const words = new Map<string, string>(MEANINGS.map((m) => [m, m]));
  for (const [word, meaning] of Object.entries(SYNONYMS)) words.set(word, meaning);
  for (const word of SEPARATOR_WORDS) words.set(word, 'separator');
  return words;
}

/** The feature column a meaning sets. */
export function featureColumn(meaning: string): number {
  return meaning === 'separator' ? FEATURE.separator : MEANINGS.indexOf(meaning);
}
