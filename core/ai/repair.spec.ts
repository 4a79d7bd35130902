import { describe, expect, it } from 'vitest';
import { repairJson } from './repair';

describe('repairJson', () => {
  const value = { ideas: [{ title: 'A', estimated_word_count: 1200 }] };

  it('reads plain JSON without repairs', () => {
    expect(repairJson(JSON.stringify(value))).toEqual({ ok: true, value, repairs: [] });
  });

  it.each([
    ['code fences', '```json\n{"ideas":[{"title":"A","estimated_word_count":1200}]}\n```', 'code_fence'],
    ['prose around', 'Sure! Here it is: {"ideas":[{"title":"A","estimated_word_count":1200}]} Hope that helps.', 'surrounding_prose'],
    ['a BOM', '\uFEFF{"ideas":[{"title":"A","estimated_word_count":1200}]}', 'bom'],
    ['trailing commas', '{"ideas":[{"title":"A","estimated_word_count":1200,},],}', 'comments_or_trailing_commas'],
    ['comments', '{"ideas":[ // the list\n{"title":"A", /* n */ "estimated_word_count":1200}]}', 'comments_or_trailing_commas'],
    ['smart quotes', '{“ideas”:[{“title”:“A”,“estimated_word_count”:1200}]}', 'smart_quotes'],
    ['numbers as strings', '{"ideas":[{"title":"A","estimated_word_count":"1,200"}]}', 'numbers_as_strings'],
  ])('repairs %s', (_name, raw, repair) => {
    const result = repairJson(raw);
    expect(result).toMatchObject({ ok: true, value });
    expect(result.ok && result.repairs).toContain(repair);
  });

  it('keeps braces and commas inside strings', () => {
    const raw = '{"a":"x, }]","b":[1,2,]}';
    expect(repairJson(raw)).toMatchObject({ ok: true, value: { a: 'x, }]', b: [1, 2] } });
  });

  it.each([
    ['no JSON at all', 'I cannot help with that.'],
    ['truncated JSON', '{"ideas":[{"title":"A","estimated_word'],
    ['empty reply', ''],
  ])('rejects %s', (_name, raw) => {
    expect(repairJson(raw).ok).toBe(false);
  });
});
