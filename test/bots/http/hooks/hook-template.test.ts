import { describe, expect, it } from 'vitest';
import {
  applyHookTemplate,
  compileHookTemplate,
  renderHookTemplate,
} from '../../../../bots/http/hooks/hook-template.ts';
import { readPath } from '../../../../bots/http/hooks/template-text.ts';
import { ValidationError } from '../../../../core/errors.ts';

const PAYLOAD = {
  issue: { title: 'A lighthouse at dusk', number: 42, labels: [{ name: 'art' }, { name: 'sea' }] },
  seed: 1234,
  steps: '30',
  draft: false,
  nothing: null,
  empty: '',
};

function problemsOf(run: () => unknown): { field: string; problem: string; value?: unknown }[] {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return (err as ValidationError).problems;
  }
  throw new Error('expected a ValidationError');
}

describe('renderHookTemplate', () => {
  it('fills fields, defaults and numbers', () => {
    const config = {
      prompt: '{{issue.title}} in watercolor',
      negativePrompt: "{{ negative | default: 'blurry' }}",
      seed: '{{seed}}',
      steps: '{{ steps }}',
    };
    expect(renderHookTemplate(config, PAYLOAD)).toEqual({
      prompt: 'A lighthouse at dusk in watercolor',
      negativePrompt: 'blurry',
      seed: 1234,
      steps: 30,
    });
  });

  it('reads arrays by index and writes out numbers and booleans', () => {
    const config = {
      prompt: '#{{issue.number}} {{issue.labels.1.name}} {{issue.labels.0.name}} draft={{draft}}',
    };
    expect(renderHookTemplate(config, PAYLOAD)).toEqual({ prompt: '#42 sea art draft=false' });
  });

  it('renders missing, null, empty and non-scalar values as empty text, or their default', () => {
    const config = {
      prompt:
        '[{{missing}}][{{issue.labels.9.name}}][{{nothing}}][{{issue}}][{{issue.labels}}][{{issue.title.x}}]',
      negativePrompt: '{{empty | default: "plain"}}',
      model: '{{missing | default: 7}}',
    };
    expect(renderHookTemplate(config, PAYLOAD)).toEqual({
      prompt: '[][][][][][]',
      negativePrompt: 'plain',
      model: '7',
    });
  });

  it('leaves out empty params so defaults apply, but keeps an empty prompt', () => {
    const config = {
      prompt: '{{missing}}',
      negativePrompt: '{{missing}}',
      seed: ' {{missing}} ',
      sampler: '{{x}}',
    };
    expect(renderHookTemplate(config, PAYLOAD)).toEqual({ prompt: '' });
  });

  it('takes literal numbers and literal text', () => {
    expect(renderHookTemplate({ prompt: 'a cat', steps: 25, guidance: '7.5', width: 512 }, {})).toEqual({
      prompt: 'a cat',
      steps: 25,
      guidance: 7.5,
      width: 512,
    });
  });

  it('never reads inherited properties', () => {
    const config = { prompt: '{{constructor}}|{{__proto__}}|{{toString}}|{{issue.constructor.name}}' };
    expect(renderHookTemplate(config, PAYLOAD)).toEqual({ prompt: '|||' });
    expect(readPath([1, 2], ['length'])).toBeUndefined();
    expect(readPath('text', ['length'])).toBeUndefined();
  });

  it('runs nothing it is given', () => {
    const config = { prompt: "{{ process.exit(1) }}{{ require('fs') }}" };
    const problems = problemsOf(() => compileHookTemplate(config));
    expect(problems).toEqual([
      {
        field: 'hook.prompt',
        problem: 'has {{ process.exit(1) }}, which is not a field path like issue.title or items.0.name',
      },
    ]);
  });

  it('cuts long text to the limit without splitting a character', () => {
    const long = { title: 'x'.repeat(5000) };
    const out = renderHookTemplate({ prompt: '{{title}} {{title}}' }, long);
    expect(out.prompt).toHaveLength(2000);
    const emoji = { title: `${'a'.repeat(9)}\u{1F600}` };
    expect(renderHookTemplate({ prompt: '{{title}}' }, emoji, { maxChars: 10 }).prompt).toBe('a'.repeat(9));
    expect(renderHookTemplate({ prompt: '{{title}}' }, emoji, { maxChars: 11 }).prompt).toBe(emoji.title);
  });

  it('names the param whose template gave something that is not a number', () => {
    const config = {
      prompt: '{{issue.title}}',
      seed: '{{issue.title}}',
      steps: '{{steps}}x',
      width: '0x200',
    };
    expect(problemsOf(() => renderHookTemplate(config, PAYLOAD, { field: 'hooks.github.params' }))).toEqual([
      {
        field: 'hooks.github.params.seed',
        value: 'A lighthouse at dusk',
        problem: 'must be a number (from the template "{{issue.title}}")',
      },
      {
        field: 'hooks.github.params.steps',
        value: '30x',
        problem: 'must be a number (from the template "{{steps}}x")',
      },
      {
        field: 'hooks.github.params.width',
        value: '0x200',
        problem: 'must be a number (from the template "0x200")',
      },
    ]);
  });

  it('names every bad template when the config is read', () => {
    const config = {
      prompt: 'a {{issue.title',
      negativePrompt: '{{ x | upper }}',
      sampler: '{{ x | default: blurry }}',
      seed: '{{}}',
      promt: '{{title}}',
      steps: { from: 'steps' },
      model: '{{ a..b }}',
    };
    expect(problemsOf(() => compileHookTemplate(config))).toEqual([
      { field: 'hook.prompt', problem: 'has a {{ at character 3 without a closing }}' },
      {
        field: 'hook.negativePrompt',
        problem: 'has {{ x | upper }}, whose filter "upper" is unknown: only default: is supported',
      },
      {
        field: 'hook.sampler',
        problem:
          "has {{ x | default: blurry }}, whose default: needs a quoted text or a number, e.g. default: 'blurry'",
      },
      { field: 'hook.seed', problem: 'has {{}}, which is not a field path like issue.title or items.0.name' },
      { field: 'hook.promt', problem: 'is not a param a hook can set (did you mean prompt?)' },
      { field: 'hook.steps', value: { from: 'steps' }, problem: 'must be a template text or a number' },
      {
        field: 'hook.model',
        problem: 'has {{ a..b }}, which is not a field path like issue.title or items.0.name',
      },
    ]);
    expect(problemsOf(() => compileHookTemplate(['prompt']))[0].problem).toMatch(/must be an object/);
  });

  it('refuses a template that is too long or uses too many fields', () => {
    expect(problemsOf(() => compileHookTemplate({ prompt: 'x'.repeat(2001) }))[0].problem).toBe(
      'is longer than 2000 characters',
    );
    expect(problemsOf(() => compileHookTemplate({ prompt: '{{a}}'.repeat(33) }))[0].problem).toBe(
      'uses more than 32 {{ }} fields',
    );
  });

  it('compiles once and applies to many payloads', () => {
    const template = compileHookTemplate({ prompt: '{{title}}', seed: '{{n}}' });
    expect(applyHookTemplate(template, { title: 'one', n: 1 })).toEqual({ prompt: 'one', seed: 1 });
    expect(applyHookTemplate(template, { title: 'two' })).toEqual({ prompt: 'two' });
    expect(applyHookTemplate(template, 'not an object')).toEqual({ prompt: '' });
  });
});
