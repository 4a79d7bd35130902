/** The pure generators: contract shapes and the behaviour the product relies on. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { autoCluster } from './functions/cluster.ts';
import { generateIdeas } from './functions/ideas.ts';
import { generateContent } from './functions/content.ts';
import { generateImagePrompts } from './functions/image-prompts.ts';
import { escapeHtml, mulberry32, stem, stripTags, wordCount } from './text.ts';
import { clusterSchema, contentSchema, GARDEN_40, GARDEN_9, ideasSchema, imagePromptsSchema } from './test-helpers.ts';

function assertPartition(input: string[], clusters: { keywords: string[] }[]) {
  const out = clusters.flatMap((c) => c.keywords);
  assert.equal(out.length, new Set(out).size, 'a keyword is placed twice');
  assert.deepEqual([...out].sort(), [...new Set(input)].sort(), 'every input keyword exactly once, spelled as given');
}

describe('auto_cluster', () => {
  test('groups obviously related keywords: raised bed / compost / tomato', () => {
    const r = clusterSchema.parse(autoCluster({ keywords: GARDEN_9.map((keyword) => ({ keyword })) }));
    assert.equal(r.clusters.length, 3);
    assertPartition(GARDEN_9, r.clusters);
    const byTopic = (word: string) => r.clusters.find((c) => c.name.toLowerCase().includes(word));
    const raised = byTopic('raised bed');
    const compost = byTopic('compost');
    const tomato = byTopic('tomato');
    assert.ok(raised && compost && tomato, `names: ${r.clusters.map((c) => c.name).join(', ')}`);
    assert.deepEqual(
      new Set(raised.keywords),
      new Set(['raised bed garden', 'raised bed soil', 'how to build a raised bed']),
    );
    assert.deepEqual(new Set(compost.keywords), new Set(['compost bin diy', 'how to compost at home', 'compost tea']));
    assert.deepEqual(
      new Set(tomato.keywords),
      new Set(['tomato cages', 'growing tomatoes in pots', 'best tomato varieties']),
    );
    for (const c of r.clusters) {
      assert.match(c.name, /^[A-Z]/, 'title case');
      assert.match(c.description, /\b3 keywords\b/);
      assert.ok(c.description.includes(c.keywords[0]!), 'description mentions members');
    }
  });

  test('is deterministic and echoes keywords exactly (case, unicode, whitespace)', () => {
    const odd = [
      '  Raised Bed Garden ',
      'RAISED BED SOIL',
      'ｒａｉｓｅｄ bed kits',
      'Compost—Tea',
      'compost bin',
      'composting tips',
      'Tomato Cages!',
      'tomatoes',
      'tomato soup',
    ];
    const a = autoCluster({ keywords: odd.map((keyword, i) => ({ keyword, volume: 100 - i })) });
    const b = autoCluster({ keywords: odd.map((keyword, i) => ({ keyword, volume: 100 - i })) });
    assert.deepEqual(a, b);
    assertPartition(odd, a.clusters);
    const raised = a.clusters.find((c) => c.keywords.includes('  Raised Bed Garden '))!;
    assert.ok(
      raised.keywords.includes('RAISED BED SOIL') && raised.keywords.includes('ｒａｉｓｅｄ bed kits'),
      JSON.stringify(a.clusters),
    );
  });

  test('40 keywords give clusters of 3–10 with coherent topics', () => {
    const r = clusterSchema.parse(
      autoCluster({
        keywords: GARDEN_40.map((keyword, i) => ({ keyword, volume: 5000 - i * 37 })),
        sector: 'Home & Garden',
      }),
    );
    assertPartition(GARDEN_40, r.clusters);
    for (const c of r.clusters)
      assert.ok(c.keywords.length >= 3 && c.keywords.length <= 10, `${c.name}: ${c.keywords.length}`);
    assert.equal(new Set(r.clusters.map((c) => c.name.toLowerCase())).size, r.clusters.length, 'unique names');
    const raised = r.clusters.find((c) => c.keywords.includes('raised bed garden'))!;
    for (const k of ['raised bed soil', 'cedar raised beds', 'raised bed height'])
      assert.ok(raised.keywords.includes(k), `${k} with raised beds`);
    const compost = r.clusters.find((c) => c.keywords.includes('compost tea'))!;
    for (const k of ['worm composting', 'composting for beginners'])
      assert.ok(compost.keywords.includes(k), `${k} with compost`);
    assert.match(r.clusters[0]!.description, /Home & Garden sector/);
  });

  test('sizes stay within 3–10 for any input of ≥ 3 keywords (random word soup)', () => {
    const vocab = (
      'apple bread coffee dog engine forest guitar honey island jacket ' +
      'kettle lemon mountain novel ocean piano quartz river sugar tiger ' +
      'umbrella violin window yacht zebra'
    ).split(' ');
    const rng = mulberry32(42);
    for (let trial = 0; trial < 40; trial++) {
      const n = 3 + Math.floor(rng() * 70);
      const kws = new Set<string>();
      while (kws.size < n)
        kws.add(
          Array.from({ length: 1 + Math.floor(rng() * 3) }, () => vocab[Math.floor(rng() * vocab.length)]).join(' ') +
            (rng() < 0.3 ? ` ${kws.size}` : ''),
        );
      const list = [...kws];
      const r = autoCluster({ keywords: list.map((keyword) => ({ keyword, volume: Math.floor(rng() * 1000) })) });
      assertPartition(list, r.clusters);
      for (const c of r.clusters)
        assert.ok(
          c.keywords.length >= 3 && c.keywords.length <= 10,
          `trial ${trial} n=${n}: size ${c.keywords.length}`,
        );
    }
  });

  test('small and degenerate inputs', () => {
    assert.deepEqual(autoCluster({ keywords: [] }), { clusters: [] });
    const two = autoCluster({ keywords: ['a b', 'c d'] });
    assertPartition(['a b', 'c d'], two.clusters);
    const strings = autoCluster({ keywords: ['seo tools', 'seo audit', 'seo checklist', 'seo tools'] });
    assertPartition(['seo tools', 'seo audit', 'seo checklist'], strings.clusters);
    assert.equal(strings.clusters[0]!.name, 'SEO');
  });

  test('light stemming', () => {
    assert.equal(stem('tomatoes'), stem('tomato'));
    assert.equal(stem('raised'), stem('raise'));
    assert.equal(stem('varieties'), stem('variety'));
    assert.equal(stem('composting'), stem('compost'));
    assert.equal(stem('beds'), 'bed');
  });
});

describe('generate_ideas', () => {
  const clusters = [
    { id: 1, name: 'Raised Bed', keywords: ['raised bed garden', 'raised bed soil', 'how to build a raised bed'] },
    {
      id: 2,
      name: 'Compost',
      description: 'Composting at home',
      keywords: ['compost bin diy', 'how to compost at home', 'compost tea', 'worm composting'],
    },
  ];

  test('3 ideas per cluster by default, 6–10 H2s, keywords from the cluster', () => {
    const r = ideasSchema.parse(generateIdeas({ clusters }));
    assert.equal(r.ideas.length, 6);
    for (const idea of r.ideas) {
      const c = clusters.find((x) => x.name === idea.cluster)!;
      assert.ok(c, 'cluster name echoed');
      for (const k of idea.target_keywords) assert.ok(c.keywords.includes(k), `${k} is from the cluster`);
      assert.ok(idea.outline.length >= 6 && idea.outline.length <= 10);
      assert.equal(new Set(idea.outline.map((s) => s.h2)).size, idea.outline.length, 'unique H2s');
    }
    const titles = r.ideas.map((i) => i.title);
    assert.equal(new Set(titles).size, titles.length, 'titles differ');
    assert.ok(
      r.ideas.filter((i) => i.cluster === 'Raised Bed').every((i) => /raised bed/i.test(i.title)),
      'titles derived from the cluster',
    );
  });

  test('ideas_per_cluster is honoured within 3–7 and structures vary', () => {
    const seven = ideasSchema.parse(generateIdeas({ clusters: [clusters[1]], ideas_per_cluster: 7 }));
    assert.equal(seven.ideas.length, 7);
    assert.ok(new Set(seven.ideas.map((i) => i.content_structure)).size >= 5);
    assert.ok(seven.ideas.some((i) => /^How to /.test(i.title)));
    assert.ok(seven.ideas.some((i) => / vs /.test(i.title) || i.content_structure !== 'comparison'));
    assert.equal(generateIdeas({ clusters: [clusters[0]], ideas_per_cluster: 1 }).ideas.length, 3);
    assert.equal(generateIdeas({ clusters: [clusters[0]], ideas_per_cluster: 50 }).ideas.length, 7);
  });

  test('deterministic, and different clusters give different titles', () => {
    assert.deepEqual(generateIdeas({ clusters }), generateIdeas({ clusters }));
    const other = generateIdeas({
      clusters: [
        { name: 'Email Marketing', keywords: ['email marketing tools', 'newsletter ideas', 'email open rates'] },
      ],
    });
    assert.ok(
      other.ideas.every((i) => /email|newsletter/i.test(i.title)),
      other.ideas.map((i) => i.title).join(' | '),
    );
  });
});

describe('generate_content', () => {
  const outline = [
    { h2: 'What Is a Raised Bed?', coverage: 'Define raised beds & who they suit.' },
    { h2: 'Choosing the Right Soil', coverage: 'Soil mixes, compost ratios and costs.' },
    { h2: 'Raised Bed vs In-Ground Beds', coverage: 'Compare drainage, cost and effort.' },
    { h2: 'Step-by-Step Build', coverage: 'Walk through the build with cedar boards.' },
    { h2: 'Planting Plan', coverage: 'What to plant in the first season.' },
    { h2: 'Final Thoughts', coverage: 'Recap and next steps.' },
  ];
  const input = {
    title: 'How to Build a Raised Bed Garden That Lasts for Years and Years of Harvests',
    outline,
    primary_keyword: 'raised bed garden',
    secondary_keywords: ['raised bed soil', 'cedar raised beds'],
    tone: 'friendly',
    word_count: 1500,
  };

  test('follows the outline in order and mentions keywords and coverage', () => {
    const r = contentSchema.parse(generateContent(input));
    assert.deepEqual(
      r.sections.map((s) => s.h2),
      outline.map((s) => s.h2),
    );
    for (const [i, s] of r.sections.entries()) {
      assert.ok(s.html.includes(escapeHtml(outline[i]!.coverage)), `section ${i} mentions its coverage`);
      assert.match(s.html, /^<p>/);
    }
    const all = r.sections.map((s) => s.html).join('\n');
    assert.ok(
      all.includes('raised bed garden') && all.includes('raised bed soil') && all.includes('cedar raised beds'),
    );
    assert.match(all, /<ul><li>/);
    assert.match(all, /<table>/);
    assert.ok(r.sections[2]!.html.includes('<table>'), 'the comparison section gets the table');
    assert.equal(r.primary_keyword, 'raised bed garden');
    assert.deepEqual(r.secondary_keywords, ['raised bed soil', 'cedar raised beds']);
    assert.ok(r.meta_title.length <= 60 && r.meta_description.length <= 160);
    assert.ok(r.tags.includes('raised bed garden'));
  });

  test('total length is roughly word_count', () => {
    for (const wc of [600, 1500, 3000]) {
      const r = generateContent({ ...input, word_count: wc });
      const words = wordCount(stripTags(r.sections.map((s) => s.html).join(' ')));
      assert.ok(words > wc * 0.75 && words < wc * 1.35, `${words} words for ${wc}`);
    }
  });

  test('works without an outline and is deterministic', () => {
    const r = contentSchema.parse(generateContent({ title: 'Compost Tea Basics', primary_keyword: 'compost tea' }));
    assert.ok(r.sections.length >= 5);
    assert.deepEqual(generateContent(input), generateContent(input));
  });
});

describe('generate_image_prompts', () => {
  test('featured + in-article prompts spread over the sections', () => {
    const sections = ['Intro', 'Soil', 'Build', 'Planting', 'Watering', 'Harvest'].map((h2) => ({
      h2,
      text: `<p>About ${h2.toLowerCase()} in raised beds.</p>`,
    }));
    const r = imagePromptsSchema.parse(
      generateImagePrompts({ title: 'Raised Bed Garden Guide', sections, in_article_count: 3 }),
    );
    assert.equal(r.in_article.length, 3);
    const idx = r.in_article.map((i) => i.after_section);
    assert.deepEqual(
      idx,
      [...idx].sort((a, b) => a - b),
    );
    assert.equal(new Set(idx).size, 3);
    assert.ok(idx.every((i) => i >= 0 && i < sections.length));
    assert.match(r.featured.prompt, /raised bed garden/i);
    assert.equal(generateImagePrompts({ title: 'T', sections, in_article_count: 99 }).in_article.length, 6);
    assert.equal(generateImagePrompts({ title: 'T', sections: [] }).in_article.length, 0);
  });
});
