// LoRA choices as users write them: `--lora name[:weight]` and A1111's `<lora:name:weight>` in the
// prompt text. Chat and HTTP users name LoRAs in the LoRA folder; only the CLI may give a path.

export interface LoraChoiceSpec {
  /** A name in the LoRA folder (without .safetensors), or on the CLI a path to a .safetensors file. */
  name: string;
  weight: number;
}

export const MAX_LORA_WEIGHT = 4;
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;
const WEIGHT = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

export function isLoraPath(name: string): boolean {
  return name.includes('/') || name.includes('\\') || name.endsWith('.safetensors') || name.startsWith('.');
}

/** `name`, `name:0.6` (on the CLI also `path/to/file.safetensors:0.6`); a problem text when invalid. */
export function parseLoraSpec(text: string, allowPaths: boolean): LoraChoiceSpec | string {
  const m = /^(.+?)(?::([^:]*))?$/.exec(text.trim());
  const name = m?.[1] ?? '';
  const weightText = m?.[2];
  if (weightText !== undefined && !WEIGHT.test(weightText))
    return `has weight ${JSON.stringify(weightText)}; write --lora name:0.8 (a number after the colon)`;
  const weight = weightText === undefined ? 1 : Number(weightText);
  if (Math.abs(weight) > MAX_LORA_WEIGHT)
    return `has weight ${weight}; a LoRA weight must be between -${MAX_LORA_WEIGHT} and ${MAX_LORA_WEIGHT}`;
  if (isLoraPath(name)) {
    if (!allowPaths)
      return 'is a path; here LoRAs are named from the server LoRA folder (e.g. --lora my-style:0.8), files on the server cannot be chosen by path';
    return { name, weight };
  }
  if (!NAME.test(name)) return 'must be a LoRA name (letters, digits, . _ -), e.g. --lora my-style:0.8';
  return { name, weight };
}

/** Takes `<lora:name:weight>` out of prompt text; the text left is what the text encoder sees. */
export function extractPromptLoras(text: string): { text: string; specs: string[] } {
  const specs: string[] = [];
  const rest = text.replace(/<lora:([^<>]*)>/gi, (_all, spec: string) => {
    specs.push(spec);
    return ' ';
  });
  return { text: specs.length > 0 ? rest.replace(/\s+/g, ' ').trim() : text, specs };
}
