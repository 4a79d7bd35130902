import { describe, expect, it } from 'vitest';
import { link, p } from '../optimizer/fixtures/helpers';
import type { InventoryPage } from './types';
import { validateLinks } from './validate';

const ORIGIN = 'https://bakery.example';
const page = (url: string, status: string): InventoryPage => ({
  id: url,
  url,
  title: 'Page',
  primaryKeyword: 'page',
  clusterId: null,
  isHub: false,
  status,
  publishedAt: null,
  scheduledAt: null,
  inboundCount: 0,
  terms: [],
});
const inventory = [
  page(`${ORIGIN}/blog/rye`, 'published'),
  page('/blog/spelt', 'scheduled'),
  page(`${ORIGIN}/blog/old`, 'archived'),
];

describe('validateLinks', () => {
  it('flags internal links whose page is gone or not live, with their places, and ignores external ones', () => {
    const blocks = [
      p('See ', link('rye', '/blog/rye/'), ' and ', link('spelt', `${ORIGIN}/blog/spelt?ref=x#top`), '.'),
      p(link('old', '/blog/old'), ' ', link('gone', `${ORIGIN}/blog/gone`), ' ', link('x', 'https://other.example/a')),
      p('Again ', link('gone', `${ORIGIN}/blog/gone`)),
    ];
    const result = validateLinks(blocks, inventory, ORIGIN);
    expect(result.internal.map((l) => l.href)).toEqual([
      '/blog/rye/',
      `${ORIGIN}/blog/spelt?ref=x#top`,
      '/blog/old',
      `${ORIGIN}/blog/gone`,
    ]);
    expect(result.broken).toEqual([
      { href: '/blog/old', reason: 'unpublished', places: [{ block: [1], from: 0, to: 3 }] },
      {
        href: `${ORIGIN}/blog/gone`,
        reason: 'missing',
        places: [
          { block: [1], from: 4, to: 8 },
          { block: [2], from: 6, to: 10 },
        ],
      },
    ]);
    expect(result.brokenHrefs).toEqual(['/blog/old', `${ORIGIN}/blog/gone`]);
  });

  it('finds nothing broken in a draft without internal links', () => {
    expect(validateLinks([p('Plain text.')], inventory, ORIGIN).broken).toEqual([]);
  });
});
