import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { draftFragment, draftToHtml, htmlToDraft } from '../../core/draft';
import { placeImage, removeImage, sectionEnd } from './images';

const ARTICLE = '<p>intro</p><h2>A</h2><p>a</p><ul><li>a2</li></ul><h2>B</h2><p>b</p><h2>C</h2><p>c</p>';
const src = (id: number, job = 'job1') => `/media/accounts/1/sites/2/images/${id}/${job}.png`;
const tag = (id: number, job = 'job1', alt = `alt ${id}`) => `<img src="${src(id, job)}" alt="${alt}">`;

function draft(html = ARTICLE) {
  const doc = new Y.Doc();
  htmlToDraft(draftFragment(doc), html);
  return { doc, html: () => draftToHtml(draftFragment(doc)) };
}

const place = (doc: Y.Doc, id: number, afterSection: number | null, job = 'job1') =>
  placeImage(doc, { imageId: id, src: src(id, job), alt: `alt ${id}`, afterSection });

describe('placing generated images in a draft', () => {
  it('puts each image at the end of its H2 section (before the next H2), or at the end', () => {
    const d = draft();
    expect(place(d.doc, 1, 0)).toEqual({ kind: 'inserted', nodes: 1 });
    place(d.doc, 2, 1);
    place(d.doc, 3, 2);
    place(d.doc, 4, 9);
    place(d.doc, 5, null);
    expect(d.html()).toBe(
      `<p>intro</p><h2>A</h2><p>a</p><ul><li>a2</li></ul>${tag(1)}` +
        `<h2>B</h2><p>b</p>${tag(2)}<h2>C</h2><p>c</p>${tag(3)}${tag(4)}${tag(5)}`,
    );
  });

  it('is idempotent, and a new file for the same image replaces the src of its node in place', () => {
    const d = draft();
    place(d.doc, 7, 0);
    expect(place(d.doc, 7, 0)).toEqual({ kind: 'unchanged', nodes: 1 });
    // An editor moved it to the end and rewrote its alt text: both are kept.
    const fragment = draftFragment(d.doc);
    const node = fragment.toArray().find((n) => n instanceof Y.XmlElement && n.nodeName === 'image') as Y.XmlElement;
    const moved = node.clone();
    moved.setAttribute('alt', 'edited');
    d.doc.transact(() => {
      fragment.delete(fragment.toArray().indexOf(node), 1);
      fragment.insert(fragment.length, [moved]);
    });
    expect(place(d.doc, 7, 0, 'job2')).toEqual({ kind: 'updated', nodes: 1 });
    expect(d.html()).toBe(`${ARTICLE}${tag(7, 'job2', 'edited')}`);
  });

  it('finds and removes the image wherever it is (nested in a quote), leaving other images alone', () => {
    const d = draft(`<h2>A</h2><blockquote>${tag(8)}<p>q</p></blockquote>${tag(80)}<p>a</p>`);
    expect(place(d.doc, 8, 0, 'job2')).toEqual({ kind: 'updated', nodes: 1 });
    expect(d.html()).toContain(tag(8, 'job2'));
    expect(removeImage(d.doc, 8)).toBe(1);
    expect(removeImage(d.doc, 8)).toBe(0);
    expect(d.html()).toBe(`<h2>A</h2><blockquote><p>q</p></blockquote>${tag(80)}<p>a</p>`);
  });

  it('sends each placement as one update, and none when nothing changes', () => {
    const d = draft();
    const updates: Uint8Array[] = [];
    d.doc.on('update', (u: Uint8Array) => updates.push(u));
    place(d.doc, 1, 0);
    place(d.doc, 1, 0);
    expect(updates).toHaveLength(1);
    removeImage(d.doc, 1);
    expect(updates).toHaveLength(2);
  });

  it('counts H2 sections only (the intro and H3s are not sections)', () => {
    const d = draft('<p>intro</p><h3>x</h3><h2>A</h2><h3>a</h3><h2>B</h2>');
    const fragment = draftFragment(d.doc);
    expect(sectionEnd(fragment, 0)).toBe(4);
    expect(sectionEnd(fragment, 1)).toBe(5);
    expect(sectionEnd(fragment, null)).toBe(5);
    expect(sectionEnd(draftFragment(new Y.Doc()), 0)).toBe(0);
  });
});
