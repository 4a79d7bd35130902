import { describe, expect, it } from 'vitest';
import { decodeEntities, escapeRawText } from './entities';
import { tokenize } from './tokenize';

describe('tokenize', () => {
  it('reads tags, attributes (decoded, lowercased, first wins) and text', () => {
    expect(tokenize('<P Class="a" class="b" data-x=1 checked>x &amp; y</p>')).toEqual([
      { kind: 'open', tag: 'p', attrs: { class: 'a', 'data-x': '1', checked: '' }, selfClosing: false },
      { kind: 'text', text: 'x & y', raw: 'x &amp; y' },
      { kind: 'close', tag: 'p' },
    ]);
    expect(tokenize('<img src="a&#46;png"/>')).toEqual([
      { kind: 'open', tag: 'img', attrs: { src: 'a.png' }, selfClosing: true },
    ]);
  });

  it('keeps markup inside raw-text elements as text', () => {
    expect(tokenize('<script>if (a<b) "</p>"</SCRIPT>after')).toEqual([
      { kind: 'open', tag: 'script', attrs: {}, selfClosing: false },
      { kind: 'text', text: 'if (a<b) "</p>"', raw: 'if (a<b) "</p>"' },
      { kind: 'close', tag: 'script' },
      { kind: 'text', text: 'after', raw: 'after' },
    ]);
  });

  it('treats a lone < as text, skips comments and drops a tag cut off by the end', () => {
    expect(tokenize('1 < 2<!-- c -->3<p class="x')).toEqual([
      { kind: 'text', text: '1 < 2', raw: '1 < 2' },
      { kind: 'text', text: '3', raw: '3' },
    ]);
  });
});

describe('entities', () => {
  it('decodes named (with their semicolon), decimal and hex references and leaves unknown ones', () => {
    expect(decodeEntities('&lt;&#60;&#x3c;&nbsp;&colon;&unknown;&amp')).toBe('<<<\u00a0:&unknown;&amp');
    expect(decodeEntities('&#106avascript: ?a=1&copy=2')).toBe('javascript: ?a=1&copy=2');
    expect(decodeEntities('&#0;&#xD800;&#x110000;')).toBe('\ufffd\ufffd\ufffd');
  });

  it('escapes raw text but keeps well-formed references', () => {
    expect(escapeRawText('a < b & c &amp; &#169; &copy')).toBe('a &lt; b &amp; c &amp; &#169; &amp;copy');
  });
});
