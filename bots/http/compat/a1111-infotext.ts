// An infotext (the `parameters` text of a picture) read into the flat dictionary AUTOMATIC1111's
// parse_generation_parameters returns and its /sdapi/v1/png-info answers: `Prompt`, `Negative prompt`,
// each `Key: value` of the settings line as text, `Size` split into `Size-1` and `Size-2`, and the
// schedule written apart from the sampler as A1111 1.9+ does (`DPM++ 2M Karras` -> `DPM++ 2M` +
// `Schedule type: Karras`).

/** One `Key: value` of the settings line; a value with , : or a newline is a JSON string. */
const FIELD = /\s*(\w[\w \-/]+):\s*("(?:\\.|[^\\"])+"|[^,]*)(?:,|$)/g;
const SIZE = /^(\d+)x(\d+)$/;
const NEGATIVE = 'Negative prompt:';
/** The schedules A1111 names inside a sampler's name before 1.9. */
const SCHEDULES = ['Karras', 'Exponential'];

function unquote(value: string): string {
  if (value.length < 2 || !value.startsWith('"') || !value.endsWith('"')) return value;
  try {
    const parsed: unknown = JSON.parse(value);
    return typeof parsed === 'string' ? parsed : value;
  } catch {
    return value;
  }
}

export function a1111InfotextFields(text: string): Record<string, string> {
  if (text.trim() === '') return {};
  const lines = text.trim().split('\n');
  let settings = lines.pop() ?? '';
  // A last line with fewer than three fields is still prompt text, as in A1111.
  if ([...settings.matchAll(FIELD)].length < 3) {
    lines.push(settings);
    settings = '';
  }
  const prompt: string[] = [];
  const negative: string[] = [];
  let inNegative = false;
  for (const raw of lines) {
    let line = raw.trim();
    if (line.startsWith(NEGATIVE)) {
      inNegative = true;
      line = line.slice(NEGATIVE.length).trim();
    }
    (inNegative ? negative : prompt).push(line);
  }
  // No prototype: a field named "__proto__" stays an ordinary entry.
  const out: Record<string, string> = Object.create(null);
  out.Prompt = prompt.join('\n');
  out['Negative prompt'] = negative.join('\n');
  for (const [, key, raw] of settings.matchAll(FIELD)) {
    const value = unquote(raw);
    const size = SIZE.exec(value);
    if (size) {
      out[`${key}-1`] = size[1];
      out[`${key}-2`] = size[2];
    } else out[key] = value;
  }
  const sampler = out.Sampler;
  const schedule = sampler && SCHEDULES.find((s) => sampler.endsWith(` ${s}`));
  if (schedule && out['Schedule type'] === undefined) {
    out.Sampler = sampler.slice(0, -(schedule.length + 1));
    out['Schedule type'] = schedule;
  }
  // What A1111 fills in when the text leaves it out, where it is true of our pictures too.
  out['Schedule type'] ??= 'Automatic';
  out['Clip skip'] ??= '1';
  return { ...out };
}
