import { describe, expect, it } from 'vitest';
import { brief, h, image, input, link, p } from './fixtures/helpers';
import { scoreDraft } from './score';

const checkOf = (result: ReturnType<typeof scoreDraft>, id: string) => result.checks.find((c) => c.id === id);
const prose = (n: number) => p(Array.from({ length: n }, () => 'word').join(' '));

describe('structure and links', () => {
  it('compares the length with the brief’s range', () => {
    const range = brief({ wordRange: { min: 100, max: 200 } });
    expect(checkOf(scoreDraft(input([prose(150)], { brief: range })), 'structure.length')?.light).toBe('green');
    expect(checkOf(scoreDraft(input([prose(50)], { brief: range })), 'structure.length')?.message).toBe(
      '50 words: write about 50 more (the brief asks 100–200)',
    );
  });

  it('points at an image without alt text', () => {
    const check = checkOf(scoreDraft(input([prose(20), image('a loaf'), image(' ')])), 'structure.images');
    expect(check).toMatchObject({ light: 'amber', where: { block: [2], from: 0, to: 0 } });
  });

  it('points at a heading that skips a level', () => {
    const check = checkOf(scoreDraft(input([prose(20), h(2, 'Steps'), h(4, 'Detail')])), 'structure.headings');
    expect(check).toMatchObject({ light: 'amber', where: { block: [2], from: 0, to: 6 } });
  });

  it('counts relative and same-origin links as internal, others not', () => {
    const links = (...hrefs: string[]) => scoreDraft(input([p(...hrefs.map((href) => link('see', href)))]));
    expect(checkOf(links('https://other.example/a'), 'links.internal')?.light).toBe('red');
    expect(checkOf(links('/guides/flour'), 'links.internal')?.light).toBe('green');
    expect(checkOf(links('https://bakery.example/guides'), 'links.internal')?.light).toBe('green');
  });
});
