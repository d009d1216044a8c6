// An infotext (the `parameters` text of a picture) read into the flat dictionary AUTOMATIC1111's
// parse_generation_parameters returns and its /sdapi/v1/png-info answers: `Prompt`, `Negative prompt`,
// each `Key: value` of the settings line as text, `Size` split into `Size-1` and `Size-2`, and the
// schedule written apart from the sampler as A1111 1.9+ does (`DPM++ 2M Karras` -> `DPM++ 2M` +
// `Schedule type: Karras`).

import { splitA1111Infotext } from '../../../core/a1111/infotext.ts';

const SIZE = /^(\d+)x(\d+)$/;
/** The schedules A1111 names inside a sampler's name before 1.9. */
const SCHEDULES = ['Karras', 'Exponential'];

export function a1111InfotextFields(text: string): Record<string, string> {
  if (text.trim() === '') return {};
  const split = splitA1111Infotext(text);
  // No prototype: a field named "__proto__" stays an ordinary entry.
  const out: Record<string, string> = Object.create(null);
  out.Prompt = split.prompt;
  out['Negative prompt'] = split.negativePrompt;
  for (const [key, value] of split.fields) {
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
