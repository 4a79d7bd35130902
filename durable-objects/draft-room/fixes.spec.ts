import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { EditorBrief } from '../../core/draft-score';
import { draftFragment, draftToHtml, htmlToDraft, readMeta, seedMeta } from '../../core/draft';
import { applyFix, applyFixChange, FIX_MEMORY_MS, type FixChange, type FixTarget, fixTargets } from './fixes';
import type { VersionInfo } from './protocol';

const LONG = Array.from({ length: 20 }, (_, i) => `Sentence ${i} of the wall has exactly nine words.`).join(' ');

const brief: EditorBrief = {
  format: 1,
  content_id: 1,
  language: 'en',
  brief: {
    outline: [
      { h2: 'What a starter is', coverage: 'flour and water' },
      { h2: 'Feeding schedule', coverage: 'how often' },
      { h2: 'Storing a starter', coverage: 'fridge' },
    ],
    targetKeywords: ['sourdough starter'],
    clusterKeywords: [],
    wordRange: null,
    inventory: null,
  },
  site_origin: null,
  pages: [],
};

function draft(html: string) {
  const doc = new Y.Doc();
  seedMeta(doc, { title: 'Starter', primary_keyword: 'sourdough starter', meta_description: '' });
  htmlToDraft(draftFragment(doc), html);
  return doc;
}

const ARTICLE =
  '<p>Bread takes patience.</p><h2>What a starter is</h2>' +
  `<p>${LONG.replace('Sentence 3', 'Sentence <a href="https://x.test/">3</a>')}</p>` +
  '<h2>Storing a starter</h2><p>Keep it cold.</p>';

const targetOf = (doc: Y.Doc, action: FixTarget['action']) =>
  fixTargets(doc, brief, [action]).find((t) => t.action === action)!.target!;

/** A second copy of the document, kept in sync both ways: an editor typing elsewhere. */
function editorOf(doc: Y.Doc) {
  const other = new Y.Doc();
  Y.applyUpdate(other, Y.encodeStateAsUpdate(doc));
  doc.on('update', (u: Uint8Array, origin: unknown) => origin !== 'sync' && Y.applyUpdate(other, u, 'sync'));
  other.on('update', (u: Uint8Array, origin: unknown) => origin !== 'sync' && Y.applyUpdate(doc, u, 'sync'));
  return other;
}

describe('AI fixes in the draft', () => {
  it('finds each target with the scorer’s checks', () => {
    const doc = draft(ARTICLE);
    const intro = targetOf(doc, 'intro');
    expect(intro).toMatchObject({
      action: 'intro',
      keyword: 'sourdough starter',
      paragraph: { text: 'Bread takes patience.' },
    });
    const split = targetOf(doc, 'split_paragraphs');
    expect(split.action === 'split_paragraphs' && split.paragraphs.map((p) => p.text)).toEqual([LONG]);
    const section = targetOf(doc, 'outline_section');
    expect(section).toMatchObject({ section: { h2: 'Feeding schedule' }, before: { text: 'Storing a starter' } });
    expect(targetOf(doc, 'meta_description')).toMatchObject({ current: '', intro: 'Bread takes patience.' });
  });

  it('says there is nothing to fix when the check already passes', () => {
    const doc = draft('<p>A sourdough starter takes patience.</p><h2>What a starter is</h2><p>Short.</p>');
    expect(fixTargets(doc, brief, ['intro', 'split_paragraphs'])).toEqual([
      { action: 'intro', target: null },
      { action: 'split_paragraphs', target: null },
    ]);
  });

  it('rewrites only the intro: what an editor types elsewhere at the same time stays', () => {
    const doc = draft(ARTICLE);
    const target = targetOf(doc, 'intro');
    const editor = editorOf(doc);
    const last = draftFragment(editor).get(draftFragment(editor).length - 1) as Y.XmlElement;
    (last.get(0) as Y.XmlText).insert(12, ' and covered');
    const { paragraph } = target as Extract<FixTarget, { action: 'intro' }>;
    const change: FixChange = { action: 'intro', paragraph, text: 'A sourdough starter.' };
    expect(applyFixChange(doc, change, 'ai')).toBe(true);
    const html = draftToHtml(draftFragment(editor));
    expect(html).toContain('<p>A sourdough starter.</p><h2>What a starter is</h2>');
    expect(html).toContain('<p>Keep it cold and covered.</p>');
  });

  it('leaves an intro an editor changed since it was read, and says so', () => {
    const doc = draft(ARTICLE);
    const target = targetOf(doc, 'intro') as Extract<FixTarget, { action: 'intro' }>;
    ((draftFragment(doc).get(0) as Y.XmlElement).get(0) as Y.XmlText).insert(0, 'Yes. ');
    const before = draftToHtml(draftFragment(doc));
    expect(
      applyFixChange(doc, { action: 'intro', paragraph: target.paragraph, text: 'A sourdough starter.' }, 'ai'),
    ).toBe(false);
    expect(draftToHtml(draftFragment(doc))).toBe(before);
  });

  it('splits a paragraph where its own words are cut, keeping its link', () => {
    const doc = draft(ARTICLE);
    const target = targetOf(doc, 'split_paragraphs') as Extract<FixTarget, { action: 'split_paragraphs' }>;
    const sentences = LONG.split(/(?<=\.) /);
    const parts = [sentences.slice(0, 10).join(' '), sentences.slice(10).join('  ')];
    expect(
      applyFixChange(doc, { action: 'split_paragraphs', splits: [{ paragraph: target.paragraphs[0]!, parts }] }, 'ai'),
    ).toBe(true);
    const html = draftToHtml(draftFragment(doc));
    expect(html).toContain('<p>Sentence 0 of the wall');
    expect(html).toContain('Sentence <a href="https://x.test/">3</a> of the wall');
    expect(html).toContain('Sentence 9 of the wall has exactly nine words.</p><p>Sentence 10 of the wall');
  });

  it('inserts the missing section before the next outline section, the meta description through the meta map', () => {
    const doc = draft(ARTICLE);
    const section = targetOf(doc, 'outline_section') as Extract<FixTarget, { action: 'outline_section' }>;
    const change: FixChange = {
      action: 'outline_section',
      before: section.before,
      h2: 'Feeding schedule',
      html: '<p>Daily.</p>',
    };
    expect(applyFixChange(doc, change, 'ai')).toBe(true);
    expect(draftToHtml(draftFragment(doc))).toContain(
      '<h2>Feeding schedule</h2><p>Daily.</p><h2>Storing a starter</h2>',
    );
    // Twice: the section is there now, so the second is stale.
    expect(applyFixChange(doc, change, 'ai')).toBe(false);
    expect(applyFixChange(doc, { action: 'meta_description', current: '', text: 'New.' }, 'ai')).toBe(true);
    expect(readMeta(doc)?.meta_description).toBe('New.');
    expect(applyFixChange(doc, { action: 'meta_description', current: '', text: 'Other.' }, 'ai')).toBe(false);
  });

  it('backs up before it writes, answers a replay from storage, and writes nothing without a backup', async () => {
    const stored = new Map<string, unknown>();
    const storage = {
      get: async (k: string) => stored.get(k),
      put: async (k: string, v: unknown) => void stored.set(k, v),
      list: async ({ prefix }: { prefix: string }) => new Map([...stored].filter(([k]) => k.startsWith(prefix))),
      delete: async (keys: string[]) => keys.filter((k) => stored.delete(k)).length,
    } as unknown as DurableObjectStorage;
    const backups: string[] = [];
    const version = { id: 'v1', name: '' } as VersionInfo;
    const ports = (limit = false) => ({
      backup: async (name: string) => {
        backups.push(name);
        return limit ? ({ kind: 'version_limit', max: 50 } as const) : version;
      },
      persist: async () => undefined,
    });
    const doc = draft(ARTICLE);
    const target = targetOf(doc, 'intro') as Extract<FixTarget, { action: 'intro' }>;
    const change: FixChange = { action: 'intro', paragraph: target.paragraph, text: 'A sourdough starter.' };

    const full = draft(ARTICLE);
    const fullTarget = targetOf(full, 'intro') as Extract<FixTarget, { action: 'intro' }>;
    const refused = await applyFix(
      full,
      storage,
      { key: 'j#0', user_id: 1, change: { ...change, paragraph: fullTarget.paragraph } },
      ports(true),
      'ai',
    );
    expect(refused).toEqual({ outcome: 'version_limit', version: null });
    expect(draftToHtml(draftFragment(full))).toContain('<p>Bread takes patience.</p>');

    expect(await applyFix(doc, storage, { key: 'j#1', user_id: 1, change }, ports(), 'ai')).toEqual({
      outcome: 'applied',
      version,
    });
    expect(backups).toEqual(['Before AI fix: intro', 'Before AI fix: intro']);
    // The same unit again (an at-least-once retry): the first answer, no second backup.
    expect(await applyFix(doc, storage, { key: 'j#1', user_id: 1, change }, ports(), 'ai')).toEqual({
      outcome: 'applied',
      version,
    });
    // A new unit on a target that is gone: stale, no backup.
    expect(await applyFix(doc, storage, { key: 'j#2', user_id: 1, change }, ports(), 'ai')).toEqual({
      outcome: 'stale',
      version: null,
    });
    expect(backups).toHaveLength(2);
    // Answers of long-ended jobs are forgotten when a new fix comes.
    stored.set('optimizer-fix/old#0', { outcome: 'applied', version: null, at: Date.now() - FIX_MEMORY_MS - 1 });
    await applyFix(doc, storage, { key: 'j#3', user_id: 1, change }, ports(), 'ai');
    expect([...stored.keys()].sort()).toEqual([
      'optimizer-fix/j#0',
      'optimizer-fix/j#1',
      'optimizer-fix/j#2',
      'optimizer-fix/j#3',
    ]);
  });
});
