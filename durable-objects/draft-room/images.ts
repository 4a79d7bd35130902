/**
 * Generated images in the draft. An in-article image is an `image` node (Tiptap's Image extension,
 * a block: `src` and `alt`, as core/draft writes it) placed at the end of its H2 section; the
 * featured image never goes in the body (it is the post's featured image).
 *
 * A node is recognised by its src's `/images/<id>/` path segment (R2 keys are
 * `accounts/<a>/sites/<s>/images/<id>/<job>.<ext>`, served at `/media/<key>`), so a regenerated
 * image (new job, new key) updates the node already there, wherever an editor moved it, and
 * placing the same image twice leaves one node: jobs run at least once.
 */
import * as Y from 'yjs';
import { blockToY, draftFragment } from '../../core/draft';
import { imageIdOfSrc } from '../../core/media/image-keys';
import { AI_ORIGIN } from './generation';
import type { ImagePlacement, ImagePlacementResult } from './protocol';

/** Every image node of `imageId`, at any depth (an editor may have moved it into a list or quote). */
function imageNodes(fragment: Y.XmlFragment, imageId: number): Y.XmlElement[] {
  const found: Y.XmlElement[] = [];
  const walker = fragment.createTreeWalker(
    (n) =>
      n instanceof Y.XmlElement &&
      n.nodeName === 'image' &&
      imageIdOfSrc(String(n.getAttribute('src') ?? '')) === imageId,
  );
  for (const node of walker) found.push(node as Y.XmlElement);
  return found;
}

/** A heading read the way core/draft reads it: a missing or odd level counts as 2. */
function isH2(node: unknown): boolean {
  if (!(node instanceof Y.XmlElement) || node.nodeName !== 'heading') return false;
  const level = Math.round(Number(node.getAttribute('level') ?? 2));
  return level === 2 || !(level >= 1 && level <= 6);
}

/**
 * Where section `afterSection` (0-based, counting H2 sections only, as the image prompts did) ends:
 * the index of the next top-level H2, or the end of the draft when there is none or no section.
 */
export function sectionEnd(fragment: Y.XmlFragment, afterSection: number | null): number {
  if (afterSection === null || afterSection < 0) return fragment.length;
  let h2s = 0;
  const children = fragment.toArray();
  for (let i = 0; i < children.length; i++) {
    if (isH2(children[i]) && h2s++ === afterSection + 1) return i;
  }
  return fragment.length;
}

/** Puts the image in the draft, or points its existing node(s) at the new file; one transaction. */
export function placeImage(doc: Y.Doc, image: ImagePlacement): ImagePlacementResult {
  const fragment = draftFragment(doc);
  let result: ImagePlacementResult = { kind: 'unchanged', nodes: 0 };
  doc.transact(() => {
    const existing = imageNodes(fragment, image.imageId);
    if (existing.length) {
      // Only the file changes: the alt text and place are the editors' from now on.
      const stale = existing.filter((n) => n.getAttribute('src') !== image.src);
      for (const node of stale) node.setAttribute('src', image.src);
      result = { kind: stale.length ? 'updated' : 'unchanged', nodes: existing.length };
      return;
    }
    fragment.insert(sectionEnd(fragment, image.afterSection), [
      blockToY({ type: 'image', attrs: { src: image.src, alt: image.alt } }),
    ]);
    result = { kind: 'inserted', nodes: 1 };
  }, AI_ORIGIN);
  return result;
}

/** Removes every node of the image from the draft (one transaction); how many there were. */
export function removeImage(doc: Y.Doc, imageId: number): number {
  const fragment = draftFragment(doc);
  let removed = 0;
  doc.transact(() => {
    for (const node of imageNodes(fragment, imageId)) {
      const parent = node.parent as Y.XmlFragment | Y.XmlElement | null;
      const at = parent ? parent.toArray().indexOf(node) : -1;
      if (!parent || at < 0) continue;
      parent.delete(at, 1);
      removed++;
    }
  }, AI_ORIGIN);
  return removed;
}
