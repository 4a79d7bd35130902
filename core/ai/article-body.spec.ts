import { describe, expect, it } from 'vitest';
import {
  articleHtml,
  articleSection,
  bodyHtml,
  markdownToHtml,
  sameSections,
  textArticle,
  unfence,
} from './article-body';

describe('markdownToHtml', () => {
  it('converts headings, paragraphs, lists, emphasis, links and code', () => {
    const md =
      '### Soil\n\nMix **compost** and *sand*,\nthen _water_.\n\n' +
      '- one\n- two [more](https://example.com/a)\n\n1. first\n2) second\n\n> quoted\n\n`x<y`';
    expect(markdownToHtml(md)).toBe(
      '<h3>Soil</h3><p>Mix <strong>compost</strong> and <em>sand</em>, then <em>water</em>.</p>' +
        '<ul><li>one</li><li>two <a href="https://example.com/a">more</a></li></ul>' +
        '<ol><li>first</li><li>second</li></ol><blockquote><p>quoted</p></blockquote><p><code>x&lt;y</code></p>',
    );
  });

  it('plain text becomes paragraphs, markup in it is text', () => {
    expect(markdownToHtml('One line.\n\nTwo <b>lines</b>.')).toBe(
      '<p>One line.</p><p>Two &lt;b&gt;lines&lt;/b&gt;.</p>',
    );
  });

  it('leaves snake_case and lone stars alone', () => {
    expect(markdownToHtml('a raised_bed_size of 3 * 4')).toBe('<p>a raised_bed_size of 3 * 4</p>');
  });
});

describe('bodyHtml and articleSection', () => {
  it('keeps HTML, converts Markdown, unwraps a fence, sanitizes all of them', () => {
    expect(bodyHtml('<p onclick="x()">Hi</p><script>bad()</script>')).toBe('<p>Hi</p>');
    expect(bodyHtml('Hi **there**')).toBe('<p>Hi <strong>there</strong></p>');
    expect(bodyHtml('```html\n<p>Fenced</p>\n```')).toBe('<p>Fenced</p>');
    expect(bodyHtml('```markdown\n- a\n- b\n```')).toBe('<ul><li>a</li><li>b</li></ul>');
    expect(bodyHtml('[bad](javascript:alert(1)) link')).not.toMatch(/javascript/);
  });

  it('makes the heading plain and drops a body heading that repeats it', () => {
    expect(articleSection('## <b>Why</b>', '<h2>Why</h2><p>Because.</p>')).toEqual({
      h2: 'Why',
      html: '<p>Because.</p>',
    });
    expect(articleSection('Why', '## Why\n\nBecause.')).toEqual({ h2: 'Why', html: '<p>Because.</p>' });
  });

  it('joins sections under their H2s, a lead without one', () => {
    expect(
      articleHtml([
        { h2: '', html: '<p>Lead</p>' },
        { h2: 'A & B', html: '<p>x</p>' },
      ]),
    ).toBe('<p>Lead</p>\n<h2>A &amp; B</h2><p>x</p>');
    expect(sameSections([{ h2: 'a', html: '<p>x</p>' }], [{ h2: 'a', html: '<p>x</p>' }])).toBe(true);
    expect(sameSections([{ h2: 'a', html: '<p>x</p>' }], [{ h2: 'a', html: '<p>y</p>' }])).toBe(false);
    expect(sameSections([], [{ h2: 'a', html: '<p>x</p>' }])).toBe(false);
  });
});

describe('textArticle', () => {
  it('reads a Markdown article: H1 title, a lead, sections at each H2', () => {
    expect(
      textArticle('# Raised beds\n\nA short lead.\n\n## Why\n\nThey **drain**.\n\n## How\n\n- Build\n- Fill'),
    ).toEqual({
      title: 'Raised beds',
      sections: [
        { h2: '', html: '<p>A short lead.</p>' },
        { h2: 'Why', html: '<p>They <strong>drain</strong>.</p>' },
        { h2: 'How', html: '<ul><li>Build</li><li>Fill</li></ul>' },
      ],
    });
  });

  it('reads an HTML article without sections, in a fence, after a line of prose', () => {
    expect(textArticle('```html\n<h1>Beds</h1><p>Lead</p><h2>Why</h2><p>Drain</p>\n```')).toEqual({
      title: 'Beds',
      sections: [
        { h2: '', html: '<p>Lead</p>' },
        { h2: 'Why', html: '<p>Drain</p>' },
      ],
    });
    expect(textArticle('Here is your article:\n\n## Why\n\nDrain.')).toEqual({
      title: null,
      sections: [{ h2: 'Why', html: '<p>Drain.</p>' }],
    });
  });

  it('a ## inside a code block is not a section', () => {
    expect(textArticle('## A\n\n```\n## not a heading\n```')!.sections).toEqual([
      { h2: 'A', html: '<pre><code>## not a heading</code></pre>' },
    ]);
  });

  it('nothing: null', () => {
    expect(textArticle('   ')).toBeNull();
    expect(unfence('```\n```')).toBe('');
  });
});

describe('fences around a whole reply', () => {
  it('a whole Markdown article in a bare fence is read as the article', () => {
    expect(textArticle('```\n# Beds\n\n## Why\n\nDrain.\n```')).toEqual({
      title: 'Beds',
      sections: [{ h2: 'Why', html: '<p>Drain.</p>' }],
    });
  });
});

describe('a fenced article after a line of prose', () => {
  it('reads the fence as the article; a code sample inside an article stays code', () => {
    expect(textArticle('Here is your article:\n\n```markdown\n# Beds\n\n## Why\n\nDrain.\n```\nEnjoy!')).toEqual({
      title: 'Beds',
      sections: [{ h2: 'Why', html: '<p>Drain.</p>' }],
    });
    expect(textArticle('Sure:\n```\n## Why\n\nDrain.\n```')).toEqual({
      title: null,
      sections: [{ h2: 'Why', html: '<p>Drain.</p>' }],
    });
  });

  it('a body of only a script is HTML that sanitizes to nothing, not text', () => {
    expect(bodyHtml('<script>x()</script>')).toBe('');
  });
});
