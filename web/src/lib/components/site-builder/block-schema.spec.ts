import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { BLOCK_SCHEMAS, pageBlock } from '$core/validation/site-blocks';
import type { JsonSchema } from '$lib/api/site-builder-types';
import { fieldsOf, newBlock } from './block-schema';

// As the metadata endpoint describes each block type.
const schemaOf = (type: keyof typeof BLOCK_SCHEMAS) =>
  z.toJSONSchema(BLOCK_SCHEMAS[type], { io: 'input' }) as unknown as JsonSchema;

describe('block forms from the block JSON Schema', () => {
  it('gives every block type a form with labelled fields, and a new block of each its defaults', () => {
    for (const type of Object.keys(BLOCK_SCHEMAS) as (keyof typeof BLOCK_SCHEMAS)[]) {
      const fields = fieldsOf(schemaOf(type));
      expect(fields.length, type).toBeGreaterThan(0);
      expect(fields.every((f) => f.label.length > 0)).toBe(true);
      const block = newBlock(type, schemaOf(type));
      expect(block.type).toBe(type);
    }
  });

  it('reads links as text, ids of other rows as references and FAQ items as a list', () => {
    const hero = fieldsOf(schemaOf('hero'));
    expect(hero.find((f) => f.name === 'heading')).toMatchObject({ kind: 'text', required: true, label: 'Heading' });
    expect(hero.find((f) => f.name === 'cta_href')).toMatchObject({ kind: 'text', label: 'Button link' });
    expect(hero.find((f) => f.name === 'image_asset_id')).toMatchObject({ kind: 'reference', reference: 'asset' });
    const faq = fieldsOf(schemaOf('faq')).find((f) => f.name === 'items');
    expect(faq?.kind).toBe('list');
    expect(faq?.itemFields?.map((f) => f.name)).toEqual(['question', 'answer']);
    expect(fieldsOf(schemaOf('post_list')).find((f) => f.name === 'source')?.options).toEqual([
      'latest',
      'cluster',
      'taxonomy',
    ]);
  });

  it('makes a new FAQ block that only needs its words filled in to be valid', () => {
    const block = newBlock('faq', schemaOf('faq')) as { items: { question: string; answer: string }[] };
    expect(block.items).toHaveLength(1);
    block.items[0] = { question: 'How long does rye proof?', answer: 'About four hours.' };
    expect(pageBlock.safeParse(block).success).toBe(true);
  });
});
