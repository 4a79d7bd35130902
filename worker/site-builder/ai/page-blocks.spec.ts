import { describe, expect, it } from 'vitest';
import { InvalidReply } from '../../../durable-objects/site-coordinator/engine/ai-function';
import { readPageBlocks } from './page-blocks';

const scope = { cluster_id: 4, cluster_ids: [4, 5], taxonomy_ids: [9] };

describe('readPageBlocks', () => {
  it('keeps the valid blocks in order, drops the invalid ones, sanitizes rich text', () => {
    const { blocks, dropped } = readPageBlocks(
      {
        blocks: [
          { type: 'hero', heading: 'Grow more', subheading: '<b>Fresh</b> food', cta_href: 'javascript:alert(1)' },
          { type: 'rich_text', html: '<h1>Soil</h1><p onclick="x()">Good <script>steal()</script>soil</p>' },
          { type: 'rich_text', html: '<script>only()</script>' },
          {
            type: 'faq',
            items: [
              { question: 'When?', answer: 'Spring.' },
              { question: '', answer: 'x' },
            ],
          },
          { type: 'cta', heading: 'Start', button_label: 'Go', button_href: 'javascript:alert(1)' },
          { type: 'post_list', source: 'cluster', cluster_id: 777 },
          { type: 'post_list', source: 'taxonomy', taxonomy_id: 9 },
          { type: 'carousel', images: [] },
          { type: 'Call to action', heading: 'Write to us', label: 'Contact', href: '/contact/' },
        ],
      },
      scope,
    );
    expect(blocks.map((b) => b.type)).toEqual(['hero', 'rich_text', 'faq', 'post_list', 'post_list', 'cta']);
    expect(dropped).toBe(3);
    expect(blocks[0]).toMatchObject({
      heading: 'Grow more',
      subheading: 'Fresh food',
      cta_href: '',
      image_asset_id: null,
    });
    const html = (blocks[1] as { html: string }).html;
    expect(html).not.toMatch(/script|onclick|steal|<h1/);
    expect(html).toContain('<h2>Soil</h2>');
    expect((blocks[2] as { items: unknown[] }).items).toHaveLength(1);
    // Another cluster id than the blueprint's: the page's own topic instead.
    expect(blocks[3]).toMatchObject({ source: 'cluster', cluster_id: 4 });
    expect(blocks[4]).toMatchObject({ source: 'taxonomy', taxonomy_id: 9 });
    expect(blocks[5]).toMatchObject({ button_href: '/contact/', button_label: 'Contact' });
  });

  it('a page without a cluster lists the latest articles instead of a foreign cluster', () => {
    const { blocks } = readPageBlocks([{ type: 'post_list', source: 'cluster', cluster_id: 123 }], {
      cluster_id: null,
      cluster_ids: [],
      taxonomy_ids: [],
    });
    expect(blocks[0]).toMatchObject({ source: 'latest', cluster_id: null });
  });

  it('refuses a reply with no valid block', () => {
    expect(() => readPageBlocks({ result: 'ok' }, scope)).toThrow(InvalidReply);
    expect(() => readPageBlocks({ blocks: [{ type: 'rich_text', html: '<script>x</script>' }] }, scope)).toThrow(
      /none of the 1 blocks/,
    );
  });
});
