import { describe, expect, it } from 'vitest';
import { InvalidReply } from '../../../durable-objects/site-coordinator/engine/ai-function';
import { type ExistingPage, planStructure, type StructureMeta } from './structure-plan';

const clusters: StructureMeta['clusters'] = [
  { cluster_id: 11, name: 'Raised Beds', role: 'hub', keywords: [{ keyword: 'raised bed garden', volume: 900 }] },
  { cluster_id: 12, name: 'Composting', role: 'hub', keywords: [{ keyword: 'how to compost', volume: 700 }] },
  { cluster_id: 13, name: 'Compost Tea', role: 'supporting', keywords: [] },
];
const meta = (over: Partial<StructureMeta> = {}): StructureMeta => ({
  blueprint_id: 1,
  blueprint_type: 'blog',
  replace: false,
  clusters,
  existing: [],
  ...over,
});
const page = (over: Partial<ExistingPage>): ExistingPage => ({
  id: 1,
  slug: 'x',
  title: 'X',
  type: 'custom',
  cluster_id: null,
  parent_id: null,
  in_nav: true,
  order: 0,
  version: 1,
  generated: false,
  ...over,
});

describe('planStructure', () => {
  it('adds a pillar page for a hub cluster the model forgot, and a home page', () => {
    const plan = planStructure(
      { pages: [{ title: 'Raised Beds', slug: 'raised-beds', type: 'custom', cluster_id: 11 }] },
      meta(),
    );
    expect(plan.pages.map((p) => [p.slug, p.type, p.cluster_id])).toEqual([
      ['', 'home', null],
      ['raised-beds', 'custom', 11],
      ['composting', 'custom', 12],
    ]);
    expect(plan.added_for_coverage).toEqual([12]);
    // The supporting cluster is filed as a blog category.
    expect(plan.taxonomies).toContainEqual(
      expect.objectContaining({ slug: 'compost-tea', taxonomy_type: 'blog_category', cluster_id: 13 }),
    );
    const pillar = plan.pages.find((p) => p.cluster_id === 12)!;
    expect(pillar.blocks.map((b) => b.type)).toEqual(['hero', 'rich_text', 'post_list']);
    expect(pillar.blocks[2]).toMatchObject({ source: 'cluster', cluster_id: 12 });
  });

  it('drops unknown cluster ids, keeps one home, makes slugs unique and off the renderer paths', () => {
    const plan = planStructure(
      {
        pages: [
          { title: 'Welcome', slug: '/', type: 'home' },
          { title: 'Start here', slug: 'start', type: 'homepage' },
          { title: 'Beds', slug: 'beds', cluster_id: '11' },
          { title: 'Beds again', slug: 'beds', type: 'custom' },
          { title: 'Tags', slug: 'tag', type: 'custom' },
          { title: 'Stolen', slug: 'stolen', type: 'custom', cluster_id: 999 },
          { title: 'Blog', slug: 'articles', type: 'blog' },
          'not a page',
        ],
      },
      meta(),
    );
    const slugs = plan.pages.map((p) => p.slug);
    expect(slugs.filter((s) => s === '')).toHaveLength(1);
    expect(new Set(slugs).size).toBe(slugs.length);
    expect(slugs).toContain('beds-2');
    expect(slugs).toContain('tag-page');
    expect(slugs).toContain('blog');
    expect(plan.pages.find((p) => p.slug === 'stolen')?.cluster_id).toBeNull();
    expect(plan.unknown_clusters).toBe(1);
    expect(plan.dropped).toBe(1);
    expect(plan.pages.filter((p) => p.type === 'home')).toHaveLength(1);
  });

  it('keeps pages a user made or edited; replaces only untouched generated ones unless asked to replace all', () => {
    const existing = [
      page({ id: 5, slug: '', title: 'My home', type: 'home', generated: false }),
      page({ id: 6, slug: 'raised-beds', title: 'Beds (mine)', cluster_id: 11, generated: false, order: 3 }),
      page({ id: 7, slug: 'old-generated', title: 'Old', generated: true }),
    ];
    const reply = {
      pages: [
        { title: 'Home', slug: '', type: 'home' },
        { title: 'Raised beds', slug: 'raised-beds', cluster_id: 11 },
        { title: 'Composting', slug: 'composting', cluster_id: 12 },
      ],
    };
    const plan = planStructure(reply, meta({ existing }));
    expect(plan.kept.map((p) => p.id)).toEqual([5, 6]);
    expect(plan.removed.map((p) => p.id)).toEqual([7]);
    expect(plan.pages.map((p) => p.slug)).toEqual(['composting']);
    expect(plan.pages[0]!.order).toBe(4);

    const replaced = planStructure(reply, meta({ existing, replace: true }));
    expect(replaced.kept).toEqual([]);
    expect(replaced.pages.map((p) => p.slug)).toEqual(['', 'raised-beds', 'composting']);
    expect(replaced.removed.map((p) => p.id)).toEqual([7]);
    // Written over in place: the next run knows them by the version this one leaves.
    expect(replaced.generated).toEqual({ '': 2, 'raised-beds': 2, composting: 1 });
  });

  it('nests one level deep under a real top-level page', () => {
    const plan = planStructure(
      {
        pages: [
          { title: 'Guides', slug: 'guides', type: 'custom' },
          { title: 'Beds', slug: 'beds', cluster_id: 11, parent_slug: '/guides/' },
          { title: 'Deep', slug: 'deep', parent_slug: 'beds' },
          { title: 'Self', slug: 'self', parent_slug: 'self' },
          { title: 'Nowhere', slug: 'nowhere', parent_slug: 'missing' },
        ],
      },
      meta(),
    );
    const parent = Object.fromEntries(plan.pages.map((p) => [p.slug, p.parent_slug]));
    expect(parent).toMatchObject({ beds: 'guides', deep: null, self: null, nowhere: null, guides: null });
  });

  it('refuses a reply with no usable page', () => {
    expect(() => planStructure({ result: 'ok' }, meta())).toThrow(InvalidReply);
    expect(() => planStructure({ pages: [{ slug: 'x' }] }, meta())).toThrow(/no usable page/);
  });
});
