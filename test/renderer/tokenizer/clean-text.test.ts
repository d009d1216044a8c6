import { describe, expect, it } from 'vitest';
import { cleanPromptText } from '../../../renderer/tokenizer/clean-text.ts';
import { htmlUnescape } from '../../../renderer/tokenizer/html-unescape.ts';

describe('htmlUnescape', () => {
  it('decodes named and numeric references like Python html.unescape', () => {
    expect(htmlUnescape('&quot;x&quot; &#39;y&#x27; &lt;z&gt; &#65;&#X42; &amp; &eacute;&hellip;')).toBe(
      '"x" \'y\' <z> AB & \u00e9\u2026',
    );
  });

  it('follows the HTML rules for odd references', () => {
    expect(htmlUnescape('&amp &copy2 &#65 &#x41')).toBe('& \u00a92 A A');
    expect(htmlUnescape('&notit;')).toBe('\u00acit;');
    expect(htmlUnescape('&hellip')).toBe('&hellip');
    expect(htmlUnescape('&bogus; & &;')).toBe('&bogus; & &;');
    expect(htmlUnescape('&#0;&#150;&#xD800;&#1114112;&#1;&#xFFFF;')).toBe('\ufffd\u2013\ufffd\ufffd');
  });
});

describe('cleanPromptText', () => {
  it('unescapes twice, collapses whitespace, trims and lower-cases', () => {
    expect(cleanPromptText('  A&amp;amp;B \n\t\u00a0C\u3000\u2003D  ')).toBe('a&b c d');
    expect(cleanPromptText('\u001cX\u001f')).toBe('x');
  });

  it('composes decomposed accents (NFC)', () => {
    expect(cleanPromptText('Cafe\u0301')).toBe('caf\u00e9');
  });
});
