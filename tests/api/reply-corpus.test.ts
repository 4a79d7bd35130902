import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ShardName } from '../../worker/db/shards';
import { draftRoomOf } from '../../durable-objects/draft-room/client';
import { call, createSite, signup, type Session } from '../helpers/api';
import { shardBinding } from '../helpers/fixtures';
import { devModelUrl, useOwnModelKey, waitForJob } from '../helpers/jobs';

/**
 * A corpus of untidy-but-usable and unusable model replies, each run through the REAL engine (the
 * SiteCoordinator, the provider over HTTP, the tolerant reader, the functions' parse and save)
 * against the dev model, which answers the scripted raw reply. Usable replies write exactly the
 * rows they mean and are charged; unusable ones fail with their sentence, write nothing and charge
 * nothing.
 */

type Raw = { raw: string | null; finish_reason?: 'stop' | 'length'; refusal?: string | null };

async function scriptRaw(apiKey: string, entries: Raw[]) {
  const res = await fetch(`${devModelUrl()}/__dev/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ api_key: apiKey, script: entries }),
  });
  if (!res.ok) throw new Error(`script refused: ${res.status} ${await res.text()}`);
}

async function balance(s: Session) {
  return (await call('GET', '/api/v1/billing/balance/', { token: s.token })).body.data as {
    balance: number;
    reserved: number;
  };
}

async function importKeywords(s: Session, siteId: number, sectorId: number, words: string[]) {
  const csv = 'Keyword,Volume\n' + words.map((w, i) => `${w},${(words.length - i) * 100}`).join('\n');
  const res = await call('POST', `/api/v1/planner/keywords/import/?site_id=${siteId}&sector_id=${sectorId}`, {
    rawBody: csv,
    headers: { 'content-type': 'text/csv' },
    token: s.token,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  const list = await call('GET', `/api/v1/planner/keywords/?sector_id=${sectorId}&page_size=200&ordering=id`, {
    token: s.token,
  });
  return list.body.results as { id: number; keyword: string }[];
}

const A = ['raised bed garden', 'cedar raised bed', 'raised bed soil'];
const B = ['compost tea', 'worm composting', 'compost bin diy'];
const KEYWORDS = [...A, ...B];
const clusters = (a: unknown = A, b: unknown = B) => ({
  clusters: [
    { name: 'Raised beds', description: 'Beds', keywords: a },
    { name: 'Compost', description: 'Compost', keywords: b },
  ],
});
const J = (v: unknown) => JSON.stringify(v);
const GOOD = J(clusters());
/** Every keyword in its cluster. */
const ALL: Record<string, string | null> = Object.fromEntries([
  ...A.map((k) => [k, 'Raised beds']),
  ...B.map((k) => [k, 'Compost']),
]);

type Outcome = { map: Record<string, string | null>; result?: Record<string, unknown> } | { error: string | RegExp };
const clusterCorpus: [string, Raw, Outcome][] = [
  ['plain JSON', { raw: GOOD }, { map: ALL }],
  ['a json code fence', { raw: '```json\n' + GOOD + '\n```' }, { map: ALL }],
  ['a fence inside prose', { raw: 'Here are your clusters:\n```json\n' + GOOD + '\n```\nEnjoy!' }, { map: ALL }],
  ['prose before and after', { raw: 'Sure! ' + GOOD + ' Let me know.' }, { map: ALL }],
  ['braces in the prose before', { raw: 'As {requested}: ' + GOOD }, { map: ALL }],
  ['trailing commas', { raw: GOOD.replace(/\]/g, ',]').replace(/\}/g, ',}') }, { map: ALL }],
  ['comments', { raw: '// clusters\n{/* two */ "clusters": ' + J(clusters().clusters) + '}' }, { map: ALL }],
  ['smart quotes as delimiters', { raw: GOOD.replace(/"([^"]*)"/g, '“$1”') }, { map: ALL }],
  [
    'Python quotes, True and None',
    { raw: GOOD.replace(/"/g, "'").replace("'Beds'", 'None').replace(/\}$/, ", 'complete': True}") },
    { map: ALL },
  ],
  ['a double-encoded document', { raw: J(GOOD) }, { map: ALL }],
  ['a raw newline and tab inside a string', { raw: GOOD.replace('"Beds"', '"Beds\nfor\tgardens"') }, { map: ALL }],
  ['a BOM', { raw: '\uFEFF' + GOOD }, { map: ALL }],
  ['a top-level array', { raw: J(clusters().clusters) }, { map: ALL }],
  ['a wrapper object', { raw: J({ result: clusters() }) }, { map: ALL }],
  ['keywords as a comma-separated string', { raw: J(clusters(A.join(', '), B.join(', '))) }, { map: ALL }],
  [
    'keywords echoed with other case, full width, zero-width space and NBSP',
    {
      raw: J(
        clusters(
          ['RAISED BED GARDEN', 'ｃｅｄａｒ raised bed', 'raised\u200B bed soil'],
          ['compost\u00A0tea', ' Worm  Composting ', 'compost bin diy'],
        ),
      ),
    },
    { map: ALL },
  ],
  [
    'an invented keyword is dropped',
    { raw: J(clusters([...A, 'purple unicorn bed'])) },
    { map: ALL, result: { invented_keywords_dropped: 1 } },
  ],
  [
    'a keyword left out stays unclustered',
    { raw: J(clusters(A, B.slice(0, 2))) },
    { map: { ...ALL, 'compost bin diy': null }, result: { keywords_unassigned: 1 } },
  ],
  [
    'a keyword placed twice is kept in its first cluster',
    { raw: J(clusters([...A, 'compost tea'])) },
    { map: { ...ALL, 'compost tea': 'Raised beds' } },
  ],
  [
    'markup and control characters in names',
    { raw: GOOD.replace('"Raised beds"', '"<b>Raised</b> beds\\u0007"') },
    { map: ALL },
  ],
  [
    'a number as a name',
    { raw: GOOD.replace('"Raised beds"', '2024') },
    { map: { ...ALL, ...Object.fromEntries(A.map((k) => [k, '2024'])) } },
  ],
  [
    'an unusable cluster is dropped, the others kept',
    { raw: J({ clusters: [...clusters().clusters, { name: '', keywords: ['x'] }, { name: 'Empty' }] }) },
    { map: ALL },
  ],
  ['a fence inside a JSON string', { raw: GOOD.replace('"Beds"', '"Beds ```json {} ``` here"') }, { map: ALL }],
  [
    'a single cluster object',
    { raw: J(clusters().clusters[0]) },
    { map: { ...ALL, ...Object.fromEntries(B.map((k) => [k, null])) }, result: { keywords_unassigned: 3 } },
  ],
  ['the reply in a tool-style wrapper string', { raw: J({ clusters: J(clusters().clusters) }) }, { map: ALL }],
  // unusable: nothing written, nothing charged, the reason said
  ['an empty reply', { raw: '' }, { error: 'The AI reply could not be used: the reply was empty' }],
  [
    'an apology',
    { raw: "I'm sorry, but I can't help with that request." },
    { error: "The AI reply could not be used: the model refused: I'm sorry, but I can't help with that request." },
  ],
  [
    'message.refusal',
    { raw: null, refusal: 'I cannot cluster these.' },
    { error: 'The AI reply could not be used: the model refused: I cannot cluster these.' },
  ],
  [
    'finish_reason length',
    { raw: GOOD.slice(0, 60), finish_reason: 'length' },
    { error: /^The AI reply could not be used: the reply was cut off at \d+ tokens$/ },
  ],
  ['unclosed JSON', { raw: GOOD.slice(0, 80) }, { error: /^The AI reply could not be used: the reply was cut off/ }],
  [
    'an unclosed list holding a complete cluster',
    { raw: GOOD.slice(0, GOOD.indexOf('},') + 2) },
    { error: /^The AI reply could not be used: the reply was cut off/ },
  ],
  [
    'prose without JSON',
    { raw: 'The first group is about beds and the second about compost.' },
    { error: 'The AI reply could not be used: the reply holds no JSON' },
  ],
  ['another shape', { raw: '{"result":"ok"}' }, { error: 'The AI reply could not be used: no clusters in the reply' }],
  [
    'an empty cluster list',
    { raw: '{"clusters":[]}' },
    { error: 'The AI reply could not be used: no clusters in the reply' },
  ],
  [
    'only invented keywords',
    { raw: J(clusters(['a'], ['b'])) },
    { error: "The AI reply could not be used: none of the given keywords are in the reply's clusters" },
  ],
  [
    'clusters without keywords',
    { raw: '{"clusters":[{"name":"A"},{"name":"B"}]}' },
    {
      error:
        'The AI reply could not be used: no usable clusters in the reply (2 dropped; the first: keywords is missing)',
    },
  ],
];

const outline = ['Why', 'Materials', 'Size', 'Soil', 'Planting', 'Care'];
const idea = (title: string, over: Record<string, unknown> = {}) => ({
  title,
  description: `About ${title}`,
  content_type: 'post',
  content_structure: 'guide',
  target_keywords: ['raised bed garden'],
  estimated_word_count: 1500,
  outline: outline.map((h2) => ({ h2, coverage: `${h2} notes` })),
  ...over,
});
const IDEAS = J({ ideas: [idea('One'), idea('Two'), idea('Three')] });
type IdeaRow = {
  idea_title: string;
  content_type: string;
  content_structure: string;
  target_keywords: string[];
  estimated_word_count: number;
  outline: { h2: string }[];
};
type IdeaOutcome = { rows: Partial<IdeaRow>[] } | { error: string | RegExp };
const three = [{ idea_title: 'One' }, { idea_title: 'Two' }, { idea_title: 'Three' }];
const ideasCorpus: [string, Raw, IdeaOutcome][] = [
  [
    'plain JSON',
    { raw: IDEAS },
    {
      rows: three.map((r) => ({
        ...r,
        content_type: 'post',
        content_structure: 'guide',
        estimated_word_count: 1500,
        target_keywords: ['raised bed garden'],
      })),
    },
  ],
  ['a fence inside prose', { raw: 'Ideas:\n```json\n' + IDEAS + '\n```' }, { rows: three }],
  [
    'numbers written as "1,200" and "1.5k"',
    {
      raw: J({
        ideas: [idea('One', { estimated_word_count: '1,200' }), idea('Two', { estimated_word_count: '1.5k' })],
      }),
    },
    {
      rows: [
        { idea_title: 'One', estimated_word_count: 1200 },
        { idea_title: 'Two', estimated_word_count: 1500 },
      ],
    },
  ],
  [
    'enum labels by slug',
    {
      raw: J({
        ideas: [
          idea('One', { content_type: 'Blog Post', content_structure: 'How To' }),
          idea('Two', { content_type: 'PAGE', content_structure: 'Listicles' }),
        ],
      }),
    },
    {
      rows: [
        { idea_title: 'One', content_type: 'post', content_structure: 'how-to' },
        { idea_title: 'Two', content_type: 'page', content_structure: 'listicle' },
      ],
    },
  ],
  [
    'an outline of strings',
    { raw: J({ ideas: [idea('One', { outline })] }) },
    { rows: [{ idea_title: 'One', outline: outline.map((h2) => ({ h2 })) }] },
  ],
  [
    'target keywords as a string, echoed in another case, with one invented',
    { raw: J({ ideas: [idea('One', { target_keywords: 'RAISED BED GARDEN, unicorn beds, cedar raised bed' })] }) },
    { rows: [{ idea_title: 'One', target_keywords: ['raised bed garden', 'cedar raised bed'] }] },
  ],
  [
    'an unusable idea is dropped',
    { raw: J({ ideas: [idea('One'), idea('Two', { outline: [] }), idea('Three')] }) },
    { rows: [{ idea_title: 'One' }, { idea_title: 'Three' }] },
  ],
  [
    'markup in titles and headings',
    {
      raw: J({
        ideas: [idea('<h2>Raised <b>beds</b></h2>', { outline: [{ h2: '<em>Why</em>\u0000', coverage: '' }] })],
      }),
    },
    { rows: [{ idea_title: 'Raised beds', outline: [{ h2: 'Why' }] }] },
  ],
  [
    'a top-level array',
    { raw: J([idea('One'), idea('Two')]) },
    { rows: [{ idea_title: 'One' }, { idea_title: 'Two' }] },
  ],
  ['Python quotes', { raw: J({ ideas: [idea('One')] }).replace(/"/g, "'") }, { rows: [{ idea_title: 'One' }] }],
  [
    'missing content type and structure get their defaults',
    { raw: J({ ideas: [idea('One', { content_type: undefined, content_structure: undefined })] }) },
    { rows: [{ idea_title: 'One', content_type: 'post', content_structure: 'article' }] },
  ],
  [
    'a repeated title is kept once',
    { raw: J({ ideas: [idea('One'), idea('ONE '), idea('Two')] }) },
    { rows: [{ idea_title: 'One' }, { idea_title: 'Two' }] },
  ],
  [
    'an unknown content type drops that idea',
    { raw: J({ ideas: [idea('One', { content_type: 'podcast' }), idea('Two')] }) },
    { rows: [{ idea_title: 'Two' }] },
  ],
  [
    'trailing commas and comments',
    { raw: '{ // ideas\n"ideas": [' + J(idea('One')) + ',],}' },
    { rows: [{ idea_title: 'One' }] },
  ],
  ['a double-encoded document', { raw: J(IDEAS) }, { rows: three }],
  // unusable
  ['an empty idea list', { raw: '{"ideas":[]}' }, { error: 'The AI reply could not be used: no ideas in the reply' }],
  [
    'a refusal',
    { raw: 'I cannot help with that.' },
    { error: 'The AI reply could not be used: the model refused: I cannot help with that.' },
  ],
  [
    'finish_reason length',
    { raw: IDEAS.slice(0, 100), finish_reason: 'length' },
    { error: /^The AI reply could not be used: the reply was cut off at \d+ tokens$/ },
  ],
  [
    'no usable idea',
    { raw: J({ ideas: [idea('One', { estimated_word_count: 'lots' })] }) },
    {
      error:
        /^The AI reply could not be used: no usable ideas in the reply \(1 dropped; the first: estimated_word_count/,
    },
  ],
  [
    'prose only',
    { raw: 'Here are some ideas: write about beds.' },
    { error: 'The AI reply could not be used: the reply holds no JSON' },
  ],
];

const article = (over: Record<string, unknown> = {}) => ({
  title: 'Raised beds',
  meta_title: 'Raised beds | Guide',
  meta_description: 'All about raised beds.',
  primary_keyword: 'raised bed garden',
  secondary_keywords: ['cedar raised bed'],
  tags: ['beds', 'garden'],
  categories: ['Garden'],
  sections: [
    { h2: 'Why', html: '<p>Because beds drain well.</p>' },
    { h2: 'How', html: '<p>Build a frame.</p>' },
  ],
  ...over,
});
type ContentRow = {
  title: string;
  meta_title: string;
  meta_description: string;
  tags: string[];
  categories: string[];
  secondary_keywords: string[];
  html_content: string;
};
/** Success: the row's fields (html_content exact where given); the draft always holds the saved html. */
type ContentOutcome = { row: Partial<ContentRow> } | { error: string | RegExp };
const TWO = '<h2>Why</h2><p>Because beds drain well.</p><h2>How</h2><p>Build a frame.</p>';
const MD_ARTICLE =
  '# Raised beds 101\n\nBeds warm up *early*.\n\n' +
  '## Why\n\nThey **drain** well, see [soil](https://example.com/soil).\n\n' +
  '## How\n\n1. Build a frame\n2. Fill it\n';
const MD_HTML =
  '<p>Beds warm up <em>early</em>.</p>' +
  '<h2>Why</h2><p>They <strong>drain</strong> well, see <a href="https://example.com/soil">soil</a>.</p>' +
  '<h2>How</h2><ol><li>Build a frame</li><li>Fill it</li></ol>';
const LONG_PLAIN = [
  'Raised beds drain well after heavy rain and warm up early in spring.',
  'Cedar frames last for many years without any treatment or paint at all.',
  'Fill the bed with topsoil and compost, then water it well before planting seedlings.',
].join('\n\n');
const contentCorpus: [string, Raw, ContentOutcome][] = [
  [
    'plain JSON',
    { raw: J(article()) },
    { row: { title: 'Raised beds', meta_title: 'Raised beds | Guide', tags: ['beds', 'garden'] } },
  ],
  [
    'a fence inside prose',
    { raw: 'Your article:\n```json\n' + J(article()) + '\n```' },
    { row: { title: 'Raised beds' } },
  ],
  [
    'markup and control characters in the plain fields',
    {
      raw: J(
        article({
          title: '<h1>Raised <b>beds</b></h1>',
          meta_title: 'Raised\nbeds\u0000',
          meta_description: '<p>All &amp; more</p>',
          tags: '<i>beds</i>, garden',
        }),
      ),
    },
    {
      row: {
        title: 'Raised beds',
        meta_title: 'Raised beds',
        meta_description: 'All & more',
        tags: ['beds', 'garden'],
      },
    },
  ],
  [
    'a meta description past its length is capped',
    { raw: J(article({ meta_description: 'word '.repeat(200) })) },
    { row: { meta_description: expect.stringMatching(/^(word ){90,}word$/) as unknown as string } },
  ],
  [
    'tags and categories as strings',
    { raw: J(article({ tags: 'beds; garden', categories: 'Garden' })) },
    { row: { tags: ['beds', 'garden'], categories: ['Garden'] } },
  ],
  [
    'the body HTML still goes through the sanitizer',
    { raw: J(article({ sections: [{ h2: 'Why', html: '<p onclick="x()">Safe</p><script>alert(1)</script>' }] })) },
    { row: { html_content: expect.not.stringMatching(/script|onclick/) as unknown as string } },
  ],
  [
    'a section without its HTML',
    { raw: J(article({ sections: [{ h2: 'Why', html: '<p>x</p>' }, { h2: 'How' }] })) },
    { error: 'The AI reply could not be used: section 2 of the article could not be read' },
  ],
  ['no article', { raw: '{"result":"ok"}' }, { error: 'The AI reply could not be used: no article in the reply' }],
  // issue 9 scope 4: bodies as HTML, Markdown or plain text, or sections in JSON; what the draft shows is what is saved
  ['plain JSON, the exact article', { raw: J(article()) }, { row: { html_content: TWO } }],
  [
    'a Markdown article (no JSON): H1 title, a lead, sections, emphasis, links, lists',
    { raw: MD_ARTICLE },
    {
      row: {
        title: 'Raised beds 101',
        meta_title: 'Raised beds 101',
        meta_description: 'Beds warm up early.',
        tags: [],
        html_content: MD_HTML,
      },
    },
  ],
  [
    'a Markdown article in a markdown fence after a line of prose',
    { raw: 'Here is your article:\n\n```markdown\n' + MD_ARTICLE + '```\n' },
    { row: { title: 'Raised beds 101', html_content: MD_HTML } },
  ],
  [
    'an HTML article without sections',
    {
      raw: '<h1>Cedar beds</h1><p>Cedar lasts.</p><h2>Why cedar</h2><p>It resists <b>rot</b>.</p><script>x()</script>',
    },
    {
      row: {
        title: 'Cedar beds',
        meta_description: 'Cedar lasts.',
        html_content: '<p>Cedar lasts.</p><h2>Why cedar</h2><p>It resists <strong>rot</strong>.</p>',
      },
    },
  ],
  [
    'a whole HTML document',
    {
      raw:
        '<!doctype html><html><head><title>x</title></head>' +
        '<body><h1>Beds</h1><h2>Why</h2><p>Drain.</p></body></html>',
    },
    { row: { title: 'Beds', html_content: '<h2>Why</h2><p>Drain.</p>' } },
  ],
  [
    'headingless plain text long enough to be an article: the task title',
    { raw: LONG_PLAIN },
    {
      row: {
        title: 'Raised beds',
        meta_title: 'Raised beds',
        html_content: LONG_PLAIN.split('\n\n')
          .map((p) => `<p>${p}</p>`)
          .join(''),
      },
    },
  ],
  [
    'a Markdown article with a code sample holding braces',
    { raw: '## Setup\n\nRun this:\n\n```js\nconst bed = { width: 4 };\n```\n\n## Care\n\nWater weekly.' },
    {
      row: {
        html_content:
          '<h2>Setup</h2><p>Run this:</p><pre><code>const bed = { width: 4 };</code></pre>' +
          '<h2>Care</h2><p>Water weekly.</p>',
      },
    },
  ],
  [
    'section bodies in Markdown',
    {
      raw: J(
        article({
          sections: [
            { h2: 'Why', html: 'Because beds **drain** well.' },
            { h2: 'How', html: '- Build\n- Fill' },
          ],
        }),
      ),
    },
    {
      row: {
        html_content:
          '<h2>Why</h2><p>Because beds <strong>drain</strong> well.</p>' +
          '<h2>How</h2><ul><li>Build</li><li>Fill</li></ul>',
      },
    },
  ],
  [
    'section bodies in html and markdown fences',
    {
      raw: J(
        article({
          sections: [
            { h2: 'Why', html: '```html\n<p>Because beds drain well.</p>\n```' },
            { h2: 'How', html: '```markdown\nBuild a frame.\n```' },
          ],
        }),
      ),
    },
    { row: { html_content: TWO } },
  ],
  [
    'sections named heading and content',
    {
      raw: J(
        article({
          sections: [
            { heading: 'Why', content: '<p>Because beds drain well.</p>' },
            { heading: 'How', content: 'Build a frame.' },
          ],
        }),
      ),
    },
    { row: { html_content: TWO } },
  ],
  [
    'a body that repeats its heading',
    {
      raw: J(
        article({
          sections: [
            { h2: 'Why', html: '<h2>Why</h2><p>Because beds drain well.</p>' },
            { h2: 'How', html: '## How\n\nBuild a frame.' },
          ],
        }),
      ),
    },
    { row: { html_content: TWO } },
  ],
  [
    'Python-quoted JSON (nothing streams while it arrives)',
    { raw: J(article()).replace(/"/g, "'") },
    { row: { title: 'Raised beds', html_content: TWO } },
  ],
  [
    'the sections as a JSON string',
    { raw: J(article({ sections: J(article().sections) })) },
    { row: { html_content: TWO } },
  ],
  [
    'markup in the headings',
    {
      raw: J(
        article({
          sections: [
            { h2: '<b>Why</b>', html: '<p>Because beds drain well.</p>' },
            { h2: '## How', html: '<p>Build a frame.</p>' },
          ],
        }),
      ),
    },
    { row: { html_content: TWO } },
  ],
  // unusable articles: failed before anything is charged, the draft put back and stopped
  [
    'a section that is only a script',
    {
      raw: J(
        article({
          sections: [
            { h2: 'Why', html: '<p>x</p>' },
            { h2: 'How', html: '<script>x()</script>' },
          ],
        }),
      ),
    },
    { error: 'The AI reply could not be used: section 2 of the article has no text after sanitizing' },
  ],
  [
    'a section that is a string',
    { raw: J(article({ sections: [{ h2: 'Why', html: '<p>x</p>' }, 'How: build'] })) },
    { error: 'The AI reply could not be used: section 2 of the article could not be read' },
  ],
  [
    'a refusal',
    { raw: "I'm sorry, but I can't write that article." },
    { error: "The AI reply could not be used: the model refused: I'm sorry, but I can't write that article." },
  ],
  [
    'a Markdown article cut off (finish_reason length)',
    { raw: MD_ARTICLE.slice(0, 70), finish_reason: 'length' },
    { error: /^The AI reply could not be used: the reply was cut off at \d+ tokens$/ },
  ],
  [
    'an unclosed JSON article',
    { raw: J(article()).slice(0, 150) },
    { error: /^The AI reply could not be used: the reply was cut off/ },
  ],
  [
    'a one-line remark',
    { raw: 'Raised beds are great.' },
    { error: 'The AI reply could not be used: no article in the reply' },
  ],
];

const prompts = (over: Record<string, unknown> = {}) => ({
  featured: { prompt: 'A cedar raised bed', alt: 'Cedar bed' },
  in_article: [{ prompt: 'Soil mix', alt: 'Soil', after_section: 0 }],
  ...over,
});
type ImageRow = { image_type: string; prompt: string; alt: string; after_section: number | null };
type PromptOutcome = { rows: Partial<ImageRow>[] } | { error: string | RegExp };
const promptCorpus: [string, Raw, PromptOutcome][] = [
  [
    'plain JSON',
    { raw: J(prompts()) },
    {
      rows: [
        { image_type: 'featured', prompt: 'A cedar raised bed', alt: 'Cedar bed' },
        { image_type: 'in_article', prompt: 'Soil mix', after_section: 0 },
      ],
    },
  ],
  [
    'markup in prompts and alt text, a number as a string',
    {
      raw: J(
        prompts({
          featured: { prompt: '<b>A cedar</b> bed\u0007', alt: '<i>Cedar</i>' },
          in_article: [{ prompt: 'Soil', alt: 'x', after_section: '0' }],
        }),
      ),
    },
    {
      rows: [
        { image_type: 'featured', prompt: 'A cedar bed', alt: 'Cedar' },
        { image_type: 'in_article', prompt: 'Soil', after_section: 0 },
      ],
    },
  ],
  [
    'an unusable in-article prompt is dropped',
    { raw: J(prompts({ in_article: [{ prompt: '', after_section: 0 }] })) },
    { rows: [{ image_type: 'featured' }] },
  ],
  [
    'a featured prompt as text',
    { raw: J({ featured: 'A cedar raised bed' }) },
    { rows: [{ image_type: 'featured', prompt: 'A cedar raised bed', alt: '' }] },
  ],
  [
    'no featured prompt',
    { raw: J({ in_article: [] }) },
    { error: /^The AI reply could not be used: no featured image prompt in the reply/ },
  ],
];

describe('reply corpus through the real engine', () => {
  let owner: Session;
  const apiKey = `sk-corpus-${Date.now()}`;

  beforeAll(async () => {
    owner = await signup('corpus');
    await useOwnModelKey(owner, apiKey);
  });

  it('has at least 40 replies', () => {
    expect(
      clusterCorpus.length + ideasCorpus.length + contentCorpus.length + promptCorpus.length,
    ).toBeGreaterThanOrEqual(40);
  });

  describe('auto_cluster', () => {
    let siteId: number;
    let kws: { id: number; keyword: string }[];

    beforeAll(async () => {
      siteId = (await createSite(owner, 'Corpus clusters')).id;
      const sectorId = (
        await call('POST', '/api/v1/auth/sectors/', { token: owner.token, body: { site_id: siteId, name: 'Beds' } })
      ).body.data.id;
      kws = await importKeywords(owner, siteId, sectorId, KEYWORDS);
    });

    /** keyword (as imported) → its cluster's name, or null. */
    async function assignment() {
      const cl = (
        await call('GET', `/api/v1/planner/clusters/?site_id=${siteId}&page_size=100`, { token: owner.token })
      ).body.results as { id: number; name: string }[];
      const list = (
        await call('GET', `/api/v1/planner/keywords/?site_id=${siteId}&page_size=200&ordering=id`, {
          token: owner.token,
        })
      ).body.results as { keyword: string; cluster_id: number | null }[];
      return {
        clusters: cl,
        map: Object.fromEntries(list.map((k) => [k.keyword, cl.find((c) => c.id === k.cluster_id)?.name ?? null])),
      };
    }

    it.each(clusterCorpus)('%s', async (_name, raw, outcome) => {
      for (const c of (await assignment()).clusters)
        expect((await call('DELETE', `/api/v1/planner/clusters/${c.id}/`, { token: owner.token })).status).toBe(200);
      await scriptRaw(apiKey, [raw]);
      const before = await balance(owner);
      const start = await call('POST', '/api/v1/planner/keywords/auto_cluster/', {
        token: owner.token,
        body: { ids: kws.map((k) => k.id) },
      });
      expect(start.status, JSON.stringify(start.body)).toBe(202);
      const job = await waitForJob(owner, start.body.data.task_id);
      const after = await assignment();
      if ('error' in outcome) {
        expect(job.status).toBe('failed');
        if (typeof outcome.error === 'string') expect(job.error).toBe(outcome.error);
        else expect(job.error).toMatch(outcome.error);
        expect(after.clusters).toEqual([]);
        expect(Object.values(after.map).every((v) => v === null)).toBe(true);
        expect(await balance(owner)).toEqual({ ...before, reserved: 0 });
      } else {
        expect(job, JSON.stringify(job)).toMatchObject({ status: 'succeeded', credits_charged: 1 });
        expect(after.map).toEqual(outcome.map);
        if (outcome.result) expect(job.result).toMatchObject(outcome.result);
        expect(await balance(owner)).toMatchObject({ balance: before.balance - 1, reserved: 0 });
      }
    });
  });

  describe('generate_ideas', () => {
    let siteId: number;
    let clusterId: number;

    beforeAll(async () => {
      siteId = (await createSite(owner, 'Corpus ideas')).id;
      const sectorId = (
        await call('POST', '/api/v1/auth/sectors/', { token: owner.token, body: { site_id: siteId, name: 'Beds' } })
      ).body.data.id;
      const kws = await importKeywords(owner, siteId, sectorId, A);
      await scriptRaw(apiKey, [{ raw: J({ clusters: [{ name: 'Raised beds', keywords: A }] }) }]);
      const start = await call('POST', '/api/v1/planner/keywords/auto_cluster/', {
        token: owner.token,
        body: { ids: kws.map((k) => k.id) },
      });
      expect((await waitForJob(owner, start.body.data.task_id)).status).toBe('succeeded');
      clusterId = (await call('GET', `/api/v1/planner/clusters/?site_id=${siteId}`, { token: owner.token })).body
        .results[0].id;
    });

    async function ideaRows() {
      return (
        await call('GET', `/api/v1/planner/ideas/?site_id=${siteId}&page_size=100&ordering=id`, { token: owner.token })
      ).body.results as (IdeaRow & { id: number; cluster_id: number })[];
    }

    it.each(ideasCorpus)('%s', async (_name, raw, outcome) => {
      const seen = new Set((await ideaRows()).map((r) => r.id));
      await scriptRaw(apiKey, [raw]);
      const before = await balance(owner);
      const start = await call('POST', '/api/v1/planner/clusters/auto_generate_ideas/', {
        token: owner.token,
        body: { ids: [clusterId], ideas_per_cluster: 3 },
      });
      expect(start.status, JSON.stringify(start.body)).toBe(202);
      const job = await waitForJob(owner, start.body.data.task_id);
      const added = (await ideaRows()).filter((r) => !seen.has(r.id));
      if ('error' in outcome) {
        expect(job.status).toBe('failed');
        if (typeof outcome.error === 'string') expect(job.error).toBe(outcome.error);
        else expect(job.error).toMatch(outcome.error);
        expect(added).toEqual([]);
        expect(await balance(owner)).toEqual({ ...before, reserved: 0 });
      } else {
        expect(job, JSON.stringify(job)).toMatchObject({ status: 'succeeded', credits_charged: outcome.rows.length });
        expect(added.map((r) => r.cluster_id)).toEqual(outcome.rows.map(() => clusterId));
        expect(added).toMatchObject(outcome.rows);
        expect(await balance(owner)).toMatchObject({ balance: before.balance - outcome.rows.length, reserved: 0 });
      }
    });
  });

  describe('generate_content and generate_image_prompts', () => {
    let siteId: number;
    let sectorId: number;

    beforeAll(async () => {
      siteId = (await createSite(owner, 'Corpus writer')).id;
      sectorId = (
        await call('POST', '/api/v1/auth/sectors/', { token: owner.token, body: { site_id: siteId, name: 'Beds' } })
      ).body.data.id;
    });

    async function writeArticle(raw: Raw | null) {
      const task = (
        await call('POST', '/api/v1/writer/tasks/', {
          token: owner.token,
          body: { site_id: siteId, sector_id: sectorId, title: 'Raised beds', target_keywords: ['raised bed garden'] },
        })
      ).body.data;
      await scriptRaw(apiKey, raw ? [raw] : []);
      const before = await balance(owner);
      const job = await waitForJob(
        owner,
        (
          await call('POST', '/api/v1/writer/tasks/auto_generate_content/', {
            token: owner.token,
            body: { ids: [task.id] },
          })
        ).body.data.task_id,
      );
      const contentId = (await call('GET', `/api/v1/writer/tasks/${task.id}/`, { token: owner.token })).body.data
        .content_id as number | null;
      // The draft prepare() made for the task (the task links it only once the article is saved).
      const shard = (await env.DB_CONTROL.prepare('SELECT shard FROM shard_directory WHERE account_id = ?')
        .bind(owner.accountId)
        .first<{ shard: ShardName }>())!.shard;
      const draftId = (await shardBinding(shard)
        .prepare('SELECT id FROM content WHERE account_id = ? AND task_id = ?')
        .bind(owner.accountId, task.id)
        .first<{ id: number }>())!.id;
      return { job, before, contentId, draftId };
    }

    it('has at least 20 article replies', () => expect(contentCorpus.length).toBeGreaterThanOrEqual(20));

    it.each(contentCorpus)('article: %s', async (_name, raw, outcome) => {
      const { job, before, contentId, draftId } = await writeArticle(raw);
      const room = draftRoomOf(env, owner.accountId, draftId);
      if ('error' in outcome) {
        expect(job.status).toBe('failed');
        if (typeof outcome.error === 'string') expect(job.error).toBe(outcome.error);
        else expect(job.error).toMatch(outcome.error);
        expect(contentId).toBeNull();
        expect(await balance(owner)).toEqual({ ...before, reserved: 0 });
        // Nothing of the reply stays in the draft, which no longer says "generating".
        expect((await room.snapshotHtml()).html).toBe('');
        expect((await room.generation()).status).toBe('stopped');
      } else {
        expect(job, JSON.stringify(job)).toMatchObject({ status: 'succeeded', credits_charged: 3 });
        expect(contentId).toBe(draftId);
        const row = (await call('GET', `/api/v1/writer/content/${contentId}/`, { token: owner.token })).body.data;
        expect(row).toMatchObject(outcome.row);
        // What the editor sees is what was saved and charged.
        expect((await room.snapshotHtml()).html).toBe(row.html_content);
        expect((await room.generation()).status).toBe('done');
        expect(await balance(owner)).toMatchObject({ balance: before.balance - 3, reserved: 0 });
      }
    });

    it.each(promptCorpus)('image prompts: %s', async (_name, raw, outcome) => {
      const { contentId } = await writeArticle({ raw: J(article()) });
      await scriptRaw(apiKey, [raw]);
      const before = await balance(owner);
      const job = await waitForJob(
        owner,
        (
          await call('POST', '/api/v1/writer/images/generate_prompts/', {
            token: owner.token,
            body: { ids: [contentId] },
          })
        ).body.data.task_id,
      );
      const rows = (
        await call('GET', `/api/v1/writer/images/?content_id=${contentId}&ordering=id`, { token: owner.token })
      ).body.results as ImageRow[];
      if ('error' in outcome) {
        expect(job.status).toBe('failed');
        if (typeof outcome.error === 'string') expect(job.error).toBe(outcome.error);
        else expect(job.error).toMatch(outcome.error);
        expect(rows).toEqual([]);
      } else {
        expect(job, JSON.stringify(job)).toMatchObject({ status: 'succeeded', credits_charged: 0 });
        expect(rows).toMatchObject(outcome.rows);
        expect(rows).toHaveLength(outcome.rows.length);
      }
      expect(await balance(owner)).toEqual({ ...before, reserved: 0 });
    });
  });
});

// ---------------------------------------------------------------------------------------------
// More shapes for auto_cluster, generate_ideas and generate_image_prompts (issue 9, scope 7),
// each also checked in the usage log: a usable reply's row carries its charge, an unusable one's
// row says what its tokens cost with credits_used 0 and metadata.charged false (scope 6).

/** A raw reply that may also carry a tool call's arguments (the dev model's `tool_arguments`). */
type ToolRaw = Raw & { tool_arguments?: string };
type UsageLogRow = {
  job_id: string;
  credits_used: number;
  tokens_input: number;
  tokens_output: number;
  cost_usd: number;
  metadata: Record<string, unknown>;
};
type Failure = { error: string | RegExp };

/** What the usage log should say of a failed job, from its sentence. */
const failedOutcome = (error: string | RegExp) => {
  const text = String(error);
  return /refused/.test(text) ? 'refused' : /cut off/.test(text) ? 'truncated' : 'failed';
};

const CRLF = JSON.stringify(clusters(), null, 2).replace(/\n/g, '\r\n');
const moreClusterCorpus: [string, ToolRaw, Outcome][] = [
  ['a tilde fence', { raw: '~~~json\n' + GOOD + '\n~~~' }, { map: ALL }],
  ['a fence without a language tag', { raw: '```\n' + GOOD + '\n```' }, { map: ALL }],
  ['a list in the prose before the object', { raw: '[1] see below: ' + GOOD }, { map: ALL }],
  ['a note in braces after the JSON', { raw: GOOD + ' {two clusters, as asked}' }, { map: ALL }],
  ['CRLF line endings and indentation', { raw: CRLF }, { map: ALL }],
  ['unicode escapes in a keyword', { raw: GOOD.replace('raised bed soil', 'raised bed \\u0073oil') }, { map: ALL }],
  ['smart single quotes as delimiters', { raw: GOOD.replace(/"([^"]*)"/g, '‘$1’') }, { map: ALL }],
  ["the reply in a tool call's arguments", { raw: null, tool_arguments: GOOD }, { map: ALL }],
  [
    "a tool call's arguments beside an empty content",
    { raw: '', tool_arguments: '```json\n' + GOOD + '\n```' },
    { map: ALL },
  ],
  [
    'message.refusal beside an empty content',
    { raw: '', refusal: 'No.' },
    { error: 'The AI reply could not be used: the model refused: No.' },
  ],
  [
    'finish_reason length on JSON that parses',
    { raw: GOOD, finish_reason: 'length' },
    { error: /^The AI reply could not be used: the reply was cut off at \d+ tokens$/ },
  ],
  [
    'a reply cut off inside a keyword',
    { raw: GOOD.slice(0, GOOD.indexOf('cedar') + 3) },
    { error: /^The AI reply could not be used: the reply was cut off/ },
  ],
];

const moreIdeasCorpus: [string, ToolRaw, IdeaOutcome][] = [
  ['a tilde fence', { raw: '~~~\n' + IDEAS + '\n~~~' }, { rows: three }],
  ["the reply in a tool call's arguments", { raw: null, tool_arguments: IDEAS }, { rows: three }],
  ['one idea object where a list was asked', { raw: J(idea('One')) }, { rows: [{ idea_title: 'One' }] }],
  [
    'CRLF, indentation and a BOM',
    { raw: '\uFEFF' + JSON.stringify(JSON.parse(IDEAS), null, 2).replace(/\n/g, '\r\n') },
    { rows: three },
  ],
  [
    'message.refusal beside an empty content',
    { raw: '', refusal: 'I will not write ideas.' },
    { error: 'The AI reply could not be used: the model refused: I will not write ideas.' },
  ],
  [
    'finish_reason length on JSON that parses',
    { raw: IDEAS, finish_reason: 'length' },
    { error: /^The AI reply could not be used: the reply was cut off at \d+ tokens$/ },
  ],
];

const PROMPTS = J(prompts());
const PROMPT_ROWS = [
  { image_type: 'featured', prompt: 'A cedar raised bed', alt: 'Cedar bed' },
  { image_type: 'in_article', prompt: 'Soil mix', alt: 'Soil', after_section: 0 },
];
const morePromptCorpus: [string, ToolRaw, PromptOutcome][] = [
  [
    'a fence inside prose',
    { raw: 'Here are the prompts:\n```json\n' + PROMPTS + '\n```\nHappy gardening.' },
    { rows: PROMPT_ROWS },
  ],
  ['Python quotes', { raw: PROMPTS.replace(/"/g, "'") }, { rows: PROMPT_ROWS }],
  ['a double-encoded document', { raw: J(PROMPTS) }, { rows: PROMPT_ROWS }],
  [
    'trailing commas and comments',
    { raw: '/* prompts */ ' + PROMPTS.replace(/\}$/, ',}').replace(/\]/, ',]') },
    { rows: PROMPT_ROWS },
  ],
  ["the reply in a tool call's arguments", { raw: null, tool_arguments: PROMPTS }, { rows: PROMPT_ROWS }],
  [
    'a refusal',
    { raw: null, refusal: "I can't draw that." },
    { error: "The AI reply could not be used: the model refused: I can't draw that." },
  ],
  [
    'finish_reason length',
    { raw: PROMPTS.slice(0, 40), finish_reason: 'length' },
    { error: /^The AI reply could not be used: the reply was cut off at \d+ tokens$/ },
  ],
  ['an empty reply', { raw: '' }, { error: 'The AI reply could not be used: the reply was empty' }],
];

describe('reply corpus, more shapes (clusters, ideas, image prompts) with their usage', () => {
  let owner: Session;
  const apiKey = `sk-corpus-more-${Date.now()}`;

  beforeAll(async () => {
    owner = await signup('corpus-more');
    await useOwnModelKey(owner, apiKey);
  });

  /** The job's one usage row: charged for what it delivered, or the tokens a failed reply cost. */
  async function usageRow(jobId: string): Promise<UsageLogRow> {
    const rows = (
      (await call('GET', '/api/v1/billing/usage/?page_size=200', { token: owner.token })).body.results as UsageLogRow[]
    ).filter((r) => r.job_id === jobId);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.tokens_input).toBeGreaterThan(0);
    expect(rows[0]!.cost_usd).toBeGreaterThan(0);
    return rows[0]!;
  }

  async function expectFailed(job: { id: string; status: string; error: string | null }, outcome: Failure) {
    expect(job.status).toBe('failed');
    if (typeof outcome.error === 'string') expect(job.error).toBe(outcome.error);
    else expect(job.error).toMatch(outcome.error);
    expect(await usageRow(job.id)).toMatchObject({
      credits_used: 0,
      metadata: { charged: false, outcome: failedOutcome(outcome.error) },
    });
  }

  it('adds at least 15 replies across the three functions', () => {
    expect(moreClusterCorpus.length + moreIdeasCorpus.length + morePromptCorpus.length).toBeGreaterThanOrEqual(15);
  });

  describe('auto_cluster', () => {
    let siteId: number;
    let kws: { id: number; keyword: string }[];

    beforeAll(async () => {
      siteId = (await createSite(owner, 'More clusters')).id;
      const sectorId = (
        await call('POST', '/api/v1/auth/sectors/', { token: owner.token, body: { site_id: siteId, name: 'Beds' } })
      ).body.data.id;
      kws = await importKeywords(owner, siteId, sectorId, KEYWORDS);
    });

    async function assignment() {
      const cl = (
        await call('GET', `/api/v1/planner/clusters/?site_id=${siteId}&page_size=100`, { token: owner.token })
      ).body.results as { id: number; name: string }[];
      const list = (
        await call('GET', `/api/v1/planner/keywords/?site_id=${siteId}&page_size=200&ordering=id`, {
          token: owner.token,
        })
      ).body.results as { keyword: string; cluster_id: number | null }[];
      return {
        clusters: cl,
        map: Object.fromEntries(list.map((k) => [k.keyword, cl.find((c) => c.id === k.cluster_id)?.name ?? null])),
      };
    }

    it.each(moreClusterCorpus)('%s', async (_name, raw, outcome) => {
      for (const c of (await assignment()).clusters)
        expect((await call('DELETE', `/api/v1/planner/clusters/${c.id}/`, { token: owner.token })).status).toBe(200);
      await scriptRaw(apiKey, [raw]);
      const before = await balance(owner);
      const start = await call('POST', '/api/v1/planner/keywords/auto_cluster/', {
        token: owner.token,
        body: { ids: kws.map((k) => k.id) },
      });
      expect(start.status, JSON.stringify(start.body)).toBe(202);
      const job = await waitForJob(owner, start.body.data.task_id);
      const after = await assignment();
      if ('error' in outcome) {
        await expectFailed(job, outcome);
        expect(after.clusters).toEqual([]);
        expect(await balance(owner)).toEqual({ ...before, reserved: 0 });
      } else {
        expect(job, JSON.stringify(job)).toMatchObject({ status: 'succeeded', credits_charged: 1 });
        expect(after.map).toEqual(outcome.map);
        expect(await balance(owner)).toMatchObject({ balance: before.balance - 1, reserved: 0 });
        expect(await usageRow(job.id)).toMatchObject({
          credits_used: 1,
          metadata: { charged: true, outcome: 'succeeded' },
        });
      }
    });
  });

  describe('generate_ideas', () => {
    let siteId: number;
    let clusterId: number;

    beforeAll(async () => {
      siteId = (await createSite(owner, 'More ideas')).id;
      const sectorId = (
        await call('POST', '/api/v1/auth/sectors/', { token: owner.token, body: { site_id: siteId, name: 'Beds' } })
      ).body.data.id;
      const kws = await importKeywords(owner, siteId, sectorId, A);
      await scriptRaw(apiKey, [{ raw: J({ clusters: [{ name: 'Raised beds', keywords: A }] }) }]);
      const start = await call('POST', '/api/v1/planner/keywords/auto_cluster/', {
        token: owner.token,
        body: { ids: kws.map((k) => k.id) },
      });
      expect((await waitForJob(owner, start.body.data.task_id)).status).toBe('succeeded');
      clusterId = (await call('GET', `/api/v1/planner/clusters/?site_id=${siteId}`, { token: owner.token })).body
        .results[0].id;
    });

    const ideaRows = async () =>
      (await call('GET', `/api/v1/planner/ideas/?site_id=${siteId}&page_size=100&ordering=id`, { token: owner.token }))
        .body.results as (IdeaRow & { id: number; cluster_id: number })[];

    it.each(moreIdeasCorpus)('%s', async (_name, raw, outcome) => {
      const seen = new Set((await ideaRows()).map((r) => r.id));
      await scriptRaw(apiKey, [raw]);
      const before = await balance(owner);
      const start = await call('POST', '/api/v1/planner/clusters/auto_generate_ideas/', {
        token: owner.token,
        body: { ids: [clusterId], ideas_per_cluster: 3 },
      });
      expect(start.status, JSON.stringify(start.body)).toBe(202);
      const job = await waitForJob(owner, start.body.data.task_id);
      const added = (await ideaRows()).filter((r) => !seen.has(r.id));
      if ('error' in outcome) {
        await expectFailed(job, outcome);
        expect(added).toEqual([]);
        expect(await balance(owner)).toEqual({ ...before, reserved: 0 });
      } else {
        expect(job, JSON.stringify(job)).toMatchObject({ status: 'succeeded', credits_charged: outcome.rows.length });
        expect(added).toMatchObject(outcome.rows);
        expect(added).toHaveLength(outcome.rows.length);
        expect(await balance(owner)).toMatchObject({ balance: before.balance - outcome.rows.length, reserved: 0 });
        expect(await usageRow(job.id)).toMatchObject({
          credits_used: outcome.rows.length,
          metadata: { charged: true, outcome: 'succeeded' },
        });
      }
    });
  });

  describe('generate_image_prompts', () => {
    let siteId: number;
    let sectorId: number;

    beforeAll(async () => {
      siteId = (await createSite(owner, 'More prompts')).id;
      sectorId = (
        await call('POST', '/api/v1/auth/sectors/', { token: owner.token, body: { site_id: siteId, name: 'Beds' } })
      ).body.data.id;
    });

    it.each(morePromptCorpus)('%s', async (_name, raw, outcome) => {
      const task = (
        await call('POST', '/api/v1/writer/tasks/', {
          token: owner.token,
          body: { site_id: siteId, sector_id: sectorId, title: 'Raised beds', target_keywords: ['raised bed garden'] },
        })
      ).body.data;
      await scriptRaw(apiKey, [{ raw: J(article()) }]);
      const written = await waitForJob(
        owner,
        (
          await call('POST', '/api/v1/writer/tasks/auto_generate_content/', {
            token: owner.token,
            body: { ids: [task.id] },
          })
        ).body.data.task_id,
      );
      expect(written.status).toBe('succeeded');
      const contentId = (await call('GET', `/api/v1/writer/tasks/${task.id}/`, { token: owner.token })).body.data
        .content_id as number;
      await scriptRaw(apiKey, [raw]);
      const before = await balance(owner);
      const job = await waitForJob(
        owner,
        (
          await call('POST', '/api/v1/writer/images/generate_prompts/', {
            token: owner.token,
            body: { ids: [contentId] },
          })
        ).body.data.task_id,
      );
      const rows = (
        await call('GET', `/api/v1/writer/images/?content_id=${contentId}&ordering=id`, { token: owner.token })
      ).body.results as ImageRow[];
      if ('error' in outcome) {
        await expectFailed(job, outcome);
        expect(rows).toEqual([]);
      } else {
        expect(job, JSON.stringify(job)).toMatchObject({ status: 'succeeded', credits_charged: 0 });
        expect(rows).toMatchObject(outcome.rows);
        expect(rows).toHaveLength(outcome.rows.length);
        // Prompts cost no credits: the row logs the tokens, not charged to the account.
        expect(await usageRow(job.id)).toMatchObject({
          credits_used: 0,
          metadata: { charged: false, outcome: 'succeeded' },
        });
      }
      expect(await balance(owner)).toEqual({ ...before, reserved: 0 });
    });
  });
});
