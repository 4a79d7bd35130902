/** link_content: the picks the product may keep, mixed with picks it must drop. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { linkContent } from './functions/links.ts';

const candidates = [
  { target_id: '7', url: '/rye-bread/', text: 'rye bread', path: [0], from: 10, to: 19 },
  { target_id: '7', url: '/rye-bread/', text: 'rye bread', path: [2], from: 0, to: 9 },
  { target_id: '9', url: '/sourdough-starter/', text: 'sourdough starter', path: [1], from: 4, to: 21 },
  { target_id: '11', url: '/flour/', text: 'flour', path: [3], from: 0, to: 5 },
];

test('picks the first candidate of each target up to the cap, among junk the product must drop', () => {
  const reply = linkContent({ cap: 2, source_page_id: 3, candidates }) as { links: unknown[] };
  const objects = reply.links.filter((l): l is Record<string, unknown> => !!l && typeof l === 'object');
  const ids = objects.map((l) => l.target_id ?? l.targetId ?? l.id);
  assert.ok(ids.includes('999999999'), 'an invented page');
  assert.ok(ids.includes('3'), 'a link to the article itself');
  assert.ok(
    reply.links.some((l) => typeof l === 'string'),
    'an item that is not an object',
  );
  const exact = objects.filter((l) => (l.text ?? (l.anchor as { text?: string } | undefined)?.text) !== undefined);
  const offered = exact.filter((l) => {
    const a = (l.anchor ?? l) as { text?: unknown; path?: unknown; from?: unknown; to?: unknown };
    return candidates.some(
      (c) =>
        c.target_id === (l.target_id ?? l.targetId) &&
        c.text === a.text &&
        JSON.stringify(c.path) === JSON.stringify(a.path) &&
        c.from === a.from &&
        c.to === a.to &&
        (l.url === undefined || l.url === c.url),
    );
  });
  assert.deepEqual(
    offered.map((l) => l.target_id ?? l.targetId),
    ['7', '9'],
  );
});

test('no candidates: junk only, never a crash', () => {
  const reply = linkContent({}) as { links: unknown[] };
  assert.ok(Array.isArray(reply.links));
});
