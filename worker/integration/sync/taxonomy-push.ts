/**
 * Taxonomy push (issue 13, scope 3): a blueprint's blog categories and tags (worker/site-builder)
 * become WordPress categories and tags. Idempotent: WordPress's existing terms are read once (paged)
 * and matched by slug, then by name; only the missing ones are created, so pushing twice creates
 * nothing the second time. Product and service taxonomies have no WordPress core counterpart and are
 * reported as skipped.
 */
import type { TaxonomyType } from '../../../core/domain/enums';
import type { Tenant } from '../../db/tenant';
import type { Env } from '../../env';
import { listTaxonomies } from '../../site-builder/service';
import { wordpressClientFor, type IntegrationRow } from '../connection';
import { recordEvent } from '../service';
import { decodeWpText, type WordPressClient, WordPressError } from '../wordpress-client';
import { readAll, type WpItem } from './wordpress-pull';

const WP_TAXONOMY: Partial<Record<TaxonomyType, 'categories' | 'tags'>> = {
  blog_category: 'categories',
  blog_tag: 'tags',
};

export interface PushedTerm {
  taxonomy_id: number;
  name: string;
  slug: string;
  taxonomy_type: TaxonomyType;
  wp_taxonomy: 'categories' | 'tags' | null;
  wp_term_id: number | null;
  outcome: 'created' | 'existing' | 'skipped';
}

const norm = (s: string) => decodeWpText(s).replace(/\s+/g, ' ').trim().toLocaleLowerCase();

function findTerm(existing: WpItem[], term: { name: string; slug: string }): WpItem | undefined {
  return existing.find((t) => t.slug === term.slug) ?? existing.find((t) => norm(t.title) === norm(term.name));
}

/** Creates one term; a race with another push (WordPress's 400 `term_exists`) reuses the id it names. */
async function createTerm(
  client: WordPressClient,
  taxonomy: 'categories' | 'tags',
  term: { name: string; slug: string; description: string },
): Promise<{ item: WpItem; created: boolean }> {
  const item = (id: number, raw: Record<string, unknown> = {}): WpItem => ({
    id,
    link: String(raw.link ?? ''),
    title: String(raw.name ?? term.name),
    slug: String(raw.slug ?? term.slug),
    modifiedAt: null,
    publishedAt: null,
    body: '',
    categories: [],
    tags: [],
  });
  try {
    const { data } = await client.request<Record<string, unknown>>('POST', `/wp/v2/${taxonomy}`, {
      json: { name: term.name, slug: term.slug, ...(term.description ? { description: term.description } : {}) },
    });
    const id = Number(data?.id);
    if (!Number.isSafeInteger(id) || id <= 0)
      throw new WordPressError(`WordPress created "${term.name}" but returned no id.`, 'wp_unexpected_response');
    return { item: item(id, data), created: true };
  } catch (err) {
    const data = err instanceof WordPressError ? (err.detail.data as Record<string, unknown> | undefined) : undefined;
    const termId = Number(data?.term_id);
    if (err instanceof WordPressError && err.detail.wpCode === 'term_exists' && Number.isSafeInteger(termId))
      return { item: item(termId), created: false };
    throw err;
  }
}

export async function pushTaxonomies(
  env: Env,
  tenant: Tenant,
  integration: IntegrationRow,
  blueprintId: number,
): Promise<{ terms: PushedTerm[]; created: number; existing: number; skipped: number }> {
  const started = Date.now();
  const terms = await listTaxonomies(tenant.db, tenant.account.id, blueprintId);
  const client = await wordpressClientFor(env, integration);
  const wanted = new Set(terms.map((t) => WP_TAXONOMY[t.taxonomy_type]).filter((x) => x !== undefined));
  const out: PushedTerm[] = [];
  try {
    const existing = {
      categories: wanted.has('categories') ? await readAll(client, 'categories') : [],
      tags: wanted.has('tags') ? await readAll(client, 'tags') : [],
    };
    for (const t of terms) {
      const base = { taxonomy_id: t.id, name: t.name, slug: t.slug, taxonomy_type: t.taxonomy_type };
      const taxonomy = WP_TAXONOMY[t.taxonomy_type];
      if (!taxonomy) {
        out.push({ ...base, wp_taxonomy: null, wp_term_id: null, outcome: 'skipped' });
        continue;
      }
      const found = findTerm(existing[taxonomy], t);
      if (found) {
        out.push({ ...base, wp_taxonomy: taxonomy, wp_term_id: found.id, outcome: 'existing' });
        continue;
      }
      const made = await createTerm(client, taxonomy, t);
      existing[taxonomy].push(made.item);
      out.push({
        ...base,
        wp_taxonomy: taxonomy,
        wp_term_id: made.item.id,
        outcome: made.created ? 'created' : 'existing',
      });
    }
  } catch (err) {
    await recordEvent(tenant.db, integration, {
      kind: 'push',
      status: 'failed',
      summary: `Taxonomy push failed: ${(err as Error).message}`,
      detail: { blueprint_id: blueprintId, done: out.length },
      duration_ms: Date.now() - started,
    });
    if (err instanceof WordPressError) throw err.toApiError();
    throw err;
  }
  const count = (o: PushedTerm['outcome']) => out.filter((t) => t.outcome === o).length;
  const result = { terms: out, created: count('created'), existing: count('existing'), skipped: count('skipped') };
  await recordEvent(tenant.db, integration, {
    kind: 'push',
    status: 'ok',
    summary:
      `Pushed blueprint ${blueprintId}'s terms to WordPress: ${result.created} created, ` +
      `${result.existing} already there, ${result.skipped} skipped`,
    detail: { blueprint_id: blueprintId, created: result.created, existing: result.existing, skipped: result.skipped },
    duration_ms: Date.now() - started,
  });
  return result;
}
