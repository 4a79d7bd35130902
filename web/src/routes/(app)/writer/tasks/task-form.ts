/** Add and edit forms for one writer task (page-local config over the shared core/validation schemas). */
import { z } from 'zod';
import { CONTENT_STRUCTURES, TASK_STATUSES } from '$core/domain/enums';
import { createTaskBody, updateTaskBody } from '$core/validation/writer';
import { api, param, read } from '$lib/api/client';
import type { Task } from '$lib/api/writer-types';
import { humanize } from '$lib/format';
import { authorOptions } from '$lib/system/authors';
import type { FieldConfig, FormConfig, Option } from '$lib/templates/types';

const enumOptions = (values: readonly string[]): Option[] => values.map((v) => ({ value: v, label: humanize(v) }));

/** "a, b\nc" → ["a", "b", "c"]: people paste keywords either way. */
export function keywordList(text: string): string[] {
  return text
    .split(/\n|,/)
    .map((k) => k.trim())
    .filter(Boolean);
}

/**
 * The API takes `target_keywords` as a list; the form edits it as text. Splitting before the
 * shared schema runs keeps its messages (and per-keyword errors, `target_keywords.1`) as they are.
 */
function withKeywordText<S extends z.ZodType>(schema: S) {
  return z.preprocess((value) => {
    if (typeof value !== 'object' || value === null) return value;
    const keywords = (value as Record<string, unknown>).target_keywords;
    return typeof keywords === 'string' ? { ...value, target_keywords: keywordList(keywords) } : value;
  }, schema);
}

const addTaskSchema = withKeywordText(createTaskBody);
const editTaskSchema = withKeywordText(updateTaskBody);

const keywordsField = (editing: boolean): FieldConfig => ({
  name: 'target_keywords',
  label: 'Target keywords',
  type: 'textarea',
  rows: 3,
  hint: 'One per line or separated by commas; the first is the primary keyword.',
  // Editing: an emptied box clears the keywords (sent as []), rather than leaving them unchanged.
  empty: editing ? 'keep' : 'omit',
});

const articleFields: FieldConfig[] = [
  { name: 'word_count_target', label: 'Target word count', type: 'number', min: 100, max: 20_000, step: 100 },
  { name: 'content_structure', label: 'Structure', type: 'select', options: enumOptions(CONTENT_STRUCTURES) },
];

/** Who the article is written as ("Site default": the idea's author, else the site's). */
function authorField(authors: Option[], editing: boolean): FieldConfig {
  return {
    name: 'author_profile_id',
    label: 'Author',
    type: 'select',
    emptyOption: 'Site default',
    options: authors,
    hint: 'Who the article is written as; "Site default" uses the idea’s author, else the site’s.',
    empty: editing ? 'null' : 'omit',
  };
}

export async function addTaskForm(
  siteId: number,
  sectors: Option[],
  sectorId: number | null,
): Promise<FormConfig<typeof addTaskSchema>> {
  const authors = await authorOptions();
  return {
    schema: addTaskSchema,
    fixed: { site_id: siteId },
    submitLabel: 'Add task',
    initial: { sector_id: sectorId, word_count_target: 1500, content_structure: 'article' },
    fields: [
      {
        name: 'title',
        label: 'Title',
        type: 'text',
        required: true,
        placeholder: 'How to grow tomatoes in pots',
        autocomplete: 'off',
      },
      {
        name: 'sector_id',
        label: 'Sector',
        type: 'select',
        required: true,
        options: sectors,
        emptyOption: sectors.length > 1 ? 'Choose a sector' : undefined,
      },
      keywordsField(false),
      ...articleFields,
      authorField(authors, false),
    ],
    submit: async (data) => {
      const res = await read(api.api.v1.writer.tasks.$post({ json: data }));
      return res.message ?? `Task “${res.data.title}” added.`;
    },
  };
}

export async function editTaskForm(task: Task): Promise<FormConfig<typeof editTaskSchema>> {
  const authors = await authorOptions();
  return {
    schema: editTaskSchema,
    submitLabel: 'Save changes',
    initial: {
      title: task.title,
      target_keywords: task.target_keywords.join('\n'),
      word_count_target: task.word_count_target,
      content_structure: task.content_structure,
      status: task.status,
      author_profile_id: task.author_profile_id ?? null,
    },
    fields: [
      { name: 'title', label: 'Title', type: 'text', required: true, autocomplete: 'off' },
      keywordsField(true),
      ...articleFields,
      authorField(authors, true),
      { name: 'status', label: 'Status', type: 'select', options: enumOptions(TASK_STATUSES) },
    ],
    submit: async (data) => {
      const res = await read(api.api.v1.writer.tasks[':id'].$patch({ param: { id: param(task.id) }, json: data }));
      return res.message ?? `Task “${res.data.title}” saved.`;
    },
  };
}
