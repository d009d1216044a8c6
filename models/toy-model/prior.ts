// The toy model's prior over pictures, as numbers: how likely each layout and slot state is before
// the prompt, and how strongly each kind of prompt word moves it (see docs/toy-model.md).

/** Share of pictures with one large object in the middle; the others are a row of three slots. */
export const SINGLE_LAYOUT = 0.5;
/** Chance that a slot of the row is empty; otherwise each of the 24 objects is equally likely. */
export const EMPTY_SLOT = 1 / 3;

/**
 * Prompt weights (log-prior per unit of the prompt's summed token states), at 32x32 latents; they
 * grow with the latent's size like the data term does, so the prompt decides as firmly at any size.
 */
export const PROMPT_WEIGHTS = {
  /** A colour or shape said of a slot, for objects of that slot with that colour or shape. */
  attribute: 96,
  /** An object said of a slot makes that slot hold one; any object said makes unnamed slots empty. */
  named: 96,
  /** Every colour or shape said anywhere, for objects in every slot (what a negative prompt removes). */
  anywhere: 24,
  /**
   * A background said. Stronger than the slots' words: the background is decided at the first steps,
   * where the conditional half must hold it against the one the starting noise leans to.
   */
  background: 500,
} as const;

/** How much the 9-channel inpaint UNet holds to the visible part of the picture, per latent value. */
export const INPAINT_LAMBDA = 50;

/** The latent size the prompt weights are stated for. */
export const REFERENCE_LATENT = 32;

/**
 * Codes: every background, and every slot's content (empty or an object's colour), also writes a
 * Walsh pattern of +-size per latent cell in the latent direction the decoder does not see, plus
 * Gaussian spread of variance `spread` per cell there. The pictures do not change; the UNet's scenes
 * move apart, so guidance cannot overshoot from one into a third, and the spread keeps the codes from
 * deciding anything at low noise, where an encoded picture (img2img) has only noise along them
 * (docs/toy-model.md, "Codes").
 */
export const CODE_SIZE = { background: 1.0, colour: 1.6, spread: 1.5 } as const;
