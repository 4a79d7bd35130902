import { describe, expect, it } from 'vitest';
import { DocumentArticle, readArticleReply } from './article-reply';

const article = JSON.stringify({
  title: 'T',
  meta_title: 'T',
  meta_description: 'D',
  primary_keyword: 'k',
  sections: [{ h2: 'A', html: '<p>x</p>' }],
});

describe('readArticleReply', () => {
  it('JSON articles go through the tolerant reader', () => {
    const r = readArticleReply('```json\n' + article + '\n```');
    expect(r.ok && r.value).toMatchObject({ title: 'T' });
  });

  it('a JSON article with a bad section stays JSON (its parse fails it), not a document', () => {
    const r = readArticleReply(JSON.stringify({ title: 'T', sections: [{ h2: 'A' }] }));
    expect(r.ok && !(r.value instanceof DocumentArticle)).toBe(true);
  });

  it('a Markdown or HTML document is an article', () => {
    const md = readArticleReply('# Beds\n\n## Why\n\nThey drain. And a {brace} in prose.');
    expect(md.ok && md.value instanceof DocumentArticle && md.value.article.sections).toEqual([
      { h2: 'Why', html: '<p>They drain. And a {brace} in prose.</p>' },
    ]);
    const html = readArticleReply({ content: '<h2>Why</h2><p>Drain</p>', finishReason: 'stop' });
    expect(html.ok && html.value instanceof DocumentArticle).toBe(true);
  });

  it('does not guess: refusals, cut-off replies, unclosed JSON, a remark, non-article JSON', () => {
    expect(readArticleReply("I'm sorry, but I can't help with that.")).toMatchObject({ ok: false, kind: 'refusal' });
    expect(readArticleReply({ content: '## Why\n\nThey dra', finishReason: 'length', tokensOut: 9 })).toMatchObject({
      ok: false,
      reason: 'the reply was cut off at 9 tokens',
    });
    expect(readArticleReply(article.slice(0, 60))).toMatchObject({ ok: false, kind: 'truncated' });
    expect(readArticleReply('Here are some ideas: write about beds.')).toMatchObject({
      ok: false,
      reason: 'no article in the reply',
    });
    const other = readArticleReply('{"result":"ok"}');
    expect(other.ok && !(other.value instanceof DocumentArticle)).toBe(true);
  });

  it('a headingless plain-text article long enough to be one', () => {
    const text = Array.from(
      { length: 4 },
      (_, i) => `Paragraph ${i} about raised beds and how they drain well in wet springs.`,
    ).join('\n\n');
    const r = readArticleReply(text);
    expect(r.ok && r.value instanceof DocumentArticle && r.value.article.sections).toHaveLength(1);
  });
});
