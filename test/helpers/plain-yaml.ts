// Reads the plain subset of YAML our compose file keeps to: block maps and lists by indentation,
// `- key: value` list items, comments on their own lines, and scalars that are bare words, JSON
// strings or JSON lists. Anything else (anchors, multi-line strings, inline comments) is refused, so
// the file cannot drift into YAML this reader would misread.
export type Plain = string | null | Plain[] | { [key: string]: Plain };

interface Line {
  indent: number;
  text: string;
  number: number;
}

function scalar(raw: string, line: Line): Plain {
  const value = raw.trim();
  if (value.startsWith('[') || value.startsWith('"')) {
    try {
      return JSON.parse(value) as Plain;
    } catch {
      throw new Error(`line ${line.number}: ${value} is not JSON (use ["a", "b"] and "quoted" strings)`);
    }
  }
  if (/^[&*!|>{']/.test(value) || / #/.test(value))
    throw new Error(`line ${line.number}: ${value} is outside the plain subset`);
  return value;
}

export function parsePlainYaml(text: string): Plain {
  const lines: Line[] = [];
  text.split('\n').forEach((raw, i) => {
    if (raw.includes('\t')) throw new Error(`line ${i + 1}: tabs are not allowed`);
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    lines.push({ indent: raw.length - raw.trimStart().length, text: trimmed, number: i + 1 });
  });
  let at = 0;

  function block(indent: number): Plain {
    return lines[at].text.startsWith('- ') ? list(indent) : map(indent);
  }

  function entry(target: Record<string, Plain>, line: Line, indent: number): void {
    const m = /^([A-Za-z0-9_.-]+):(?: (.*))?$/.exec(line.text);
    if (!m) throw new Error(`line ${line.number}: expected "key: value", got ${line.text}`);
    const [, key, rest] = m;
    if (key in target) throw new Error(`line ${line.number}: ${key} is given twice`);
    if (rest !== undefined && rest.trim() !== '') target[key] = scalar(rest, line);
    else if (at < lines.length && lines[at].indent > indent) target[key] = block(lines[at].indent);
    else target[key] = null;
  }

  function map(indent: number): Plain {
    const out: Record<string, Plain> = {};
    while (at < lines.length && lines[at].indent === indent && !lines[at].text.startsWith('- ')) {
      const line = lines[at++];
      entry(out, line, indent);
    }
    if (at < lines.length && lines[at].indent > indent)
      throw new Error(`line ${lines[at].number}: unexpected indentation`);
    return out;
  }

  function list(indent: number): Plain {
    const out: Plain[] = [];
    while (at < lines.length && lines[at].indent === indent && lines[at].text.startsWith('- ')) {
      const line = lines[at++];
      const item = line.text.slice(2);
      if (/^[A-Za-z0-9_.-]+:( |$)/.test(item)) {
        // `- key: value` opens a map whose other keys sit under `key`.
        const inner = indent + 2;
        const first: Record<string, Plain> = {};
        entry(first, { ...line, indent: inner, text: item }, inner);
        const restOf =
          at < lines.length && lines[at].indent === inner ? (map(inner) as Record<string, Plain>) : {};
        out.push({ ...first, ...restOf });
      } else {
        out.push(scalar(item, line));
      }
    }
    return out;
  }

  const doc = block(0);
  if (at < lines.length) throw new Error(`line ${lines[at].number}: unexpected ${lines[at].text}`);
  return doc;
}
