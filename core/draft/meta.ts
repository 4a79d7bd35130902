/**
 * The draft's meta fields: a Y.Map `meta` beside the body (DESIGN §9, issue 11 scope item 2), so
 * co-editors see each other's title, slug, SEO fields and keywords change live and never overwrite
 * each other silently. Text fields are Y.Text (two people typing in the same field merge by
 * character, as in the body); lists are Y.Array (two people adding a tag at once keep both). The
 * content row's columns of the same names are the projection of this map.
 *
 * Only the DraftRoom seeds the map (from the content row, once, saved at once): a browser that
 * seeded too would add a second copy of every field that merges in as doubled text.
 */
import * as Y from 'yjs';

export const META_MAP = 'meta';
/** Persisted format of the map (key `v`); its presence also says the map was seeded. */
export const META_FORMAT = 1;

export const META_TEXT_FIELDS = ['title', 'slug', 'meta_title', 'meta_description', 'primary_keyword'] as const;
export const META_LIST_FIELDS = ['secondary_keywords', 'tags'] as const;
export type MetaTextField = (typeof META_TEXT_FIELDS)[number];
export type MetaListField = (typeof META_LIST_FIELDS)[number];

/** The caps of the content row's columns (and of the editor's inputs); longer text is cut on projection. */
export const META_TEXT_MAX: Record<MetaTextField, number> = {
  title: 255,
  slug: 80,
  meta_title: 200,
  meta_description: 500,
  primary_keyword: 300,
};
export const META_LIST_MAX: Record<MetaListField, { items: number; length: number }> = {
  secondary_keywords: { items: 20, length: 100 },
  tags: { items: 30, length: 100 },
};

export type DraftMetaFields = { [K in MetaTextField]: string } & { [K in MetaListField]: string[] };

export const metaMap = (doc: Y.Doc): Y.Map<unknown> => doc.getMap(META_MAP);
export const isMetaSeeded = (doc: Y.Doc) => metaMap(doc).get('v') === META_FORMAT;

export function metaText(doc: Y.Doc, field: MetaTextField): Y.Text | null {
  const value = metaMap(doc).get(field);
  return value instanceof Y.Text ? value : null;
}

export function metaList(doc: Y.Doc, field: MetaListField): Y.Array<string> | null {
  const value = metaMap(doc).get(field);
  return value instanceof Y.Array ? (value as Y.Array<string>) : null;
}

/** One list entry as stored: single-spaced, trimmed, cut to the list's length cap. */
const cleanEntry = (field: MetaListField, value: string) =>
  value.replace(/\s+/g, ' ').trim().slice(0, META_LIST_MAX[field].length);
const entryKey = (value: string) => value.normalize('NFKC').toLowerCase();

/** A list as read: entries cleaned, the first of case-insensitive duplicates kept, capped. */
function readList(field: MetaListField, list: Y.Array<string> | readonly unknown[] | null): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of list instanceof Y.Array ? list.toArray() : (list ?? [])) {
    if (typeof raw !== 'string') continue;
    const value = cleanEntry(field, raw);
    const key = entryKey(value);
    if (!value || seen.has(key)) continue;
    seen.add(key);
    out.push(value);
    if (out.length === META_LIST_MAX[field].items) break;
  }
  return out;
}

/** The fields as the content row stores them (trimmed, capped); null until the room seeded the map. */
export function readMeta(doc: Y.Doc): DraftMetaFields | null {
  if (!isMetaSeeded(doc)) return null;
  const out = {} as DraftMetaFields;
  for (const field of META_TEXT_FIELDS) {
    out[field] = (metaText(doc, field)?.toString() ?? '').replace(/\s+/g, ' ').trim().slice(0, META_TEXT_MAX[field]);
  }
  for (const field of META_LIST_FIELDS) out[field] = readList(field, metaList(doc, field));
  return out;
}

/** Creates the map from the content row's values, unless it exists. True when it seeded. */
export function seedMeta(doc: Y.Doc, fields: Partial<DraftMetaFields>, origin?: unknown): boolean {
  if (isMetaSeeded(doc)) return false;
  doc.transact(() => {
    const map = metaMap(doc);
    for (const field of META_TEXT_FIELDS) {
      if (!(map.get(field) instanceof Y.Text)) map.set(field, new Y.Text(fields[field] ?? ''));
    }
    for (const field of META_LIST_FIELDS) {
      if (map.get(field) instanceof Y.Array) continue;
      const list = new Y.Array<string>();
      list.push(readList(field, fields[field] ?? []));
      map.set(field, list);
    }
    map.set('v', META_FORMAT);
  }, origin);
  return true;
}

/**
 * Makes a Y.Text read `next` with the smallest edit (the common start and end kept), so what a
 * co-editor types elsewhere in the same field at the same moment survives the merge.
 */
export function setTextMinimal(text: Y.Text, next: string) {
  const current = text.toString();
  if (current === next) return;
  let start = 0;
  const max = Math.min(current.length, next.length);
  while (start < max && current[start] === next[start]) start++;
  let end = 0;
  while (end < max - start && current[current.length - 1 - end] === next[next.length - 1 - end]) end++;
  const run = () => {
    const removed = current.length - start - end;
    if (removed > 0) text.delete(start, removed);
    const inserted = next.slice(start, next.length - end);
    if (inserted) text.insert(start, inserted);
  };
  if (text.doc) text.doc.transact(run);
  else run();
}

/**
 * Makes a list hold `next`: entries no longer wanted are deleted, new ones appended, kept ones stay
 * where they are (so a tag a co-editor added meanwhile is not removed by this write).
 */
export function setListMinimal(field: MetaListField, list: Y.Array<string>, next: readonly string[]) {
  const wanted = readList(field, next);
  const wantedKeys = new Set(wanted.map(entryKey));
  const present = list.toArray();
  for (let i = present.length - 1; i >= 0; i--) {
    const value = present[i];
    if (typeof value !== 'string' || !wantedKeys.has(entryKey(cleanEntry(field, value)))) list.delete(i, 1);
  }
  const kept = new Set(list.toArray().map((v) => entryKey(cleanEntry(field, v))));
  const added = wanted.filter((v) => !kept.has(entryKey(v)));
  if (added.length) list.push(added);
}

/** Writes the given fields (an API edit, the AI's article) as one change; the map must be seeded. */
export function writeMeta(doc: Y.Doc, fields: Partial<DraftMetaFields>, origin?: unknown) {
  doc.transact(() => {
    for (const field of META_TEXT_FIELDS) {
      const value = fields[field];
      const text = metaText(doc, field);
      if (value !== undefined && text) setTextMinimal(text, value);
    }
    for (const field of META_LIST_FIELDS) {
      const value = fields[field];
      const list = metaList(doc, field);
      if (value !== undefined && list) setListMinimal(field, list, value);
    }
  }, origin);
}
