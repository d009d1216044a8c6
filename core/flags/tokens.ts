// Splits a chat prompt into words, keeping quoted text as one piece so flags inside quotes stay text.

export interface Token {
  text: string;
  /** True when the token holds a quoted part: never a flag. */
  quoted: boolean;
}

const OPEN_TO_CLOSE: Record<string, string> = { '"': '"', '“': '”', '„': '“', '«': '»' };

export function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let current = '';
  let quoted = false;
  let i = 0;
  const flush = () => {
    if (current !== '') tokens.push({ text: current, quoted });
    current = '';
    quoted = false;
  };
  while (i < input.length) {
    const ch = input[i];
    if (/\s/.test(ch)) {
      flush();
      i++;
      continue;
    }
    const close = OPEN_TO_CLOSE[ch];
    if (close !== undefined) {
      const end = input.indexOf(close, i + 1);
      if (end !== -1) {
        current += input.slice(i, end + 1);
        quoted = true;
        i = end + 1;
        continue;
      }
    }
    current += ch;
    i++;
  }
  flush();
  return tokens;
}

/** Phones turn `--` into an em or en dash; accept those as the start of a flag too. */
export function flagName(token: Token): string | undefined {
  if (token.quoted) return undefined;
  const m = /^(?:--|—|–)([A-Za-z][A-Za-z0-9_-]*)(?:=.*)?$/s.exec(token.text);
  return m ? m[1].toLowerCase() : undefined;
}

/** The value glued to a flag with `=`, as in `--seed=7`. */
export function inlineValue(token: Token): string | undefined {
  const eq = token.text.indexOf('=');
  return eq === -1 ? undefined : token.text.slice(eq + 1);
}
