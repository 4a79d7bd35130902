/**
 * The images table (page-local config): every featured and in-article image of the site's
 * articles, filterable by article and status on the server. Thumbnails and prompts are snippets
 * from the page; generating runs as AI jobs shown in the live panel.
 */
import type { Snippet } from 'svelte';
import type { ApiSuccess } from '$core/api/envelope';
import { IMAGE_STATUSES, IMAGE_TYPES } from '$core/domain/enums';
import { api, param, read, type ListSource, type Query } from '$lib/api/client';
import type { JobStarted } from '$lib/api/planner-types';
import type { WriterImage } from '$lib/api/writer-types';
import type { BadgeTone } from '$lib/components/Badge.svelte';
import { deleteAction } from '$lib/config/snippets/actions';
import { enumFilter, idFilter, statusFilter } from '$lib/config/snippets/filters';
import { humanize, plural } from '$lib/format';
import { startAiJob } from '$lib/realtime/start-job';
import { selectionBody, selectionDeleteAction, targetOf } from '$lib/templates/bulk';
import type { BulkTarget, Cell, TableConfig } from '$lib/templates/types';
import type { ArticleDirectory } from './article-directory.svelte';

export const IMAGE_NOUN = { one: 'image', many: 'images' };
/** What one image costs (worker/writer/ai/generate-images.ts CREDITS_PER_IMAGE). */
export const CREDITS_PER_IMAGE = 1;

const STATUS_TONES: Record<WriterImage['status'], BadgeTone> = {
  pending: 'warning',
  generating: 'info',
  generated: 'success',
  failed: 'danger',
};

/** "Featured" or "In article", with where an in-article image goes (sections count from 1 for people). */
export function placementOf(image: WriterImage): { text: string; sub: string | null } {
  if (image.image_type === 'featured') return { text: 'Featured', sub: null };
  return { text: 'In article', sub: image.after_section === null ? null : `After section ${image.after_section + 1}` };
}

/** Starts generating images through the API and returns its message (or ours) for the toast. */
async function generate(start: () => Promise<ApiSuccess<JobStarted>>, fallback: string): Promise<string> {
  let apiMessage = '';
  const ours = await startAiJob(async () => {
    const res = await start();
    apiMessage = res.message ?? '';
    return res;
  }, fallback);
  return `${apiMessage || ours} Follow it under AI jobs.`;
}

/** Images by id, or (a BulkTarget) the checked rows or every image the list matches. */
export const generateImages = (picked: number[] | BulkTarget) => {
  const target: BulkTarget = Array.isArray(picked)
    ? { count: picked.length, all: false, selection: { ids: picked } }
    : picked;
  return generate(
    () => read(api.api.v1.writer.images.generate.$post({ json: selectionBody(target) })),
    `Generating ${plural(target.count, 'image')}.`,
  );
};

const regenerateImage = (id: number) =>
  generate(
    () => read(api.api.v1.writer.images[':id'].regenerate.$post({ param: { id: param(id) } })),
    'Regenerating the image.',
  );

export function imageTable(opts: {
  endpoint: ListSource<WriterImage> | null;
  query: Query;
  articles: ArticleDirectory;
  canWrite: boolean;
  thumbnailCell: Snippet<[WriterImage]>;
  promptCell: Snippet<[WriterImage]>;
}): TableConfig<WriterImage> {
  const { articles, canWrite } = opts;
  const articleTitle = (i: WriterImage) =>
    articles.titleOf(i.content_id) ?? (i.content_id ? `Article #${i.content_id}` : 'No article');
  const label = (i: WriterImage) => {
    const { text, sub } = placementOf(i);
    return `${text} image for “${articleTitle(i)}”${sub ? ` (${sub.toLowerCase()})` : ''}`;
  };
  return {
    title: 'Images',
    description:
      'Featured and in-article images for your articles: the AI writes a prompt and alt text for each from the ' +
      'article, then generates the image.',
    endpoint: opts.endpoint,
    unavailable: { title: 'No site yet', body: 'Images belong to the articles of a site.' },
    query: opts.query,
    columns: [
      { key: 'image', label: 'Image', primary: true, snippet: opts.thumbnailCell },
      {
        key: 'article',
        label: 'Article',
        cell: (i): Cell => ({
          kind: 'link',
          text: articleTitle(i),
          href: i.content_id ? `/writer/content/${i.content_id}` : null,
          strong: true,
        }),
      },
      { key: 'placement', label: 'Type', cell: (i): Cell => ({ kind: 'text', ...placementOf(i) }) },
      { key: 'prompt', label: 'Prompt and alt text', snippet: opts.promptCell, class: 'md:max-w-md' },
      {
        key: 'status',
        label: 'Status',
        cell: (i): Cell => ({ kind: 'badge', text: humanize(i.status), tone: STATUS_TONES[i.status] ?? 'neutral' }),
      },
    ],
    filters: [
      idFilter(
        'content_id',
        'Article',
        articles.articles.map((a) => ({ value: a.id, label: a.title })),
        'Every article',
      ),
      statusFilter(IMAGE_STATUSES),
      enumFilter('image_type', 'Type', IMAGE_TYPES),
    ],
    search: { label: 'Search images', placeholder: 'Search prompts and alt text' },
    defaultOrdering: 'id',
    rowKey: (i) => i.id,
    rowLabel: label,
    rowActions: canWrite
      ? [
          {
            id: 'generate',
            label: (i) => (i.status === 'generated' ? 'Regenerate' : 'Generate'),
            icon: 'sparkles',
            run: (i) => (i.status === 'generated' ? regenerateImage(i.id) : generateImages([i.id])),
            // The job changes the row; the live channel reloads the table when it is saved.
            reload: false,
          },
          deleteAction<WriterImage>({
            noun: IMAGE_NOUN,
            path: (i) => read(api.api.v1.writer.images[':id'].$delete({ param: { id: param(i.id) } })),
            name: (i) => `${placementOf(i).text} · ${articleTitle(i)}`,
            consequence:
              'The image and its file are deleted. Generating prompts for the article again can bring a new one.',
          }),
        ]
      : [],
    bulkActions: canWrite
      ? [
          {
            id: 'generate',
            label: 'Generate images',
            icon: 'sparkles',
            acrossPages: true,
            confirm: (rows, _choice, target) => {
              const { count } = targetOf(rows, target);
              return {
                title: `Generate ${plural(count, 'image')}?`,
                body:
                  `Each image costs ${plural(CREDITS_PER_IMAGE, 'credit')}, charged only when it is made ` +
                  `(${plural(count * CREDITS_PER_IMAGE, 'credit')} held now). Images already generated are ` +
                  `replaced by new ones.`,
                confirmLabel: 'Generate images',
              };
            },
            run: (rows, _choice, target) => generateImages(targetOf(rows, target)),
          },
          selectionDeleteAction<WriterImage>({
            noun: IMAGE_NOUN,
            path: (target) => read(api.api.v1.writer.images.bulk_delete.$post({ json: selectionBody(target) })),
            consequence: 'The images and their files are deleted.',
          }),
        ]
      : [],
    noun: IMAGE_NOUN,
    empty: canWrite
      ? {
          title: 'No images yet',
          body:
            'Choose Generate image prompts and pick an article: the AI suggests a featured image and images for ' +
            'its sections.',
        }
      : { title: 'No images yet', body: 'Images your team generates for its articles appear here.' },
  };
}
