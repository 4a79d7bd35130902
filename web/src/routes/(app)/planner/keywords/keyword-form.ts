/** Add and edit forms for one keyword (page-local config over the shared core/validation schemas). */
import { KEYWORD_INTENTS, KEYWORD_STATUSES } from '$core/domain/enums';
import { createKeywordBody, updateKeywordBody } from '$core/validation/planner';
import { api, param, read } from '$lib/api/client';
import type { Keyword } from '$lib/api/planner-types';
import { humanize } from '$lib/format';
import type { FieldConfig, FormConfig, Option } from '$lib/templates/types';

const enumOptions = (values: readonly string[]): Option[] => values.map((v) => ({ value: v, label: humanize(v) }));

const metricFields: FieldConfig[] = [
  { name: 'volume', label: 'Monthly search volume', type: 'number', min: 0, step: 1, placeholder: '0' },
  { name: 'difficulty', label: 'Difficulty (0–100)', type: 'number', min: 0, max: 100, step: 1, placeholder: '0' },
  { name: 'intent', label: 'Search intent', type: 'select', options: enumOptions(KEYWORD_INTENTS) },
];

export function addKeywordForm(
  siteId: number,
  sectors: Option[],
  sectorId: number | null,
): FormConfig<typeof createKeywordBody> {
  return {
    schema: createKeywordBody,
    fixed: { site_id: siteId },
    submitLabel: 'Add keyword',
    initial: { sector_id: sectorId, intent: 'informational' },
    fields: [
      {
        name: 'keyword',
        label: 'Keyword',
        type: 'text',
        required: true,
        placeholder: 'raised garden bed ideas',
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
      ...metricFields,
    ],
    submit: async (data) => {
      const res = await read(api.api.v1.planner.keywords.$post({ json: data }));
      return `“${res.data.keyword}” added.`;
    },
  };
}

export function editKeywordForm(keyword: Keyword): FormConfig<typeof updateKeywordBody> {
  return {
    schema: updateKeywordBody,
    submitLabel: 'Save changes',
    initial: {
      keyword: keyword.keyword,
      volume: keyword.volume,
      difficulty: keyword.difficulty,
      intent: keyword.intent,
      status: keyword.status,
    },
    fields: [
      { name: 'keyword', label: 'Keyword', type: 'text', required: true, autocomplete: 'off' },
      ...metricFields,
      { name: 'status', label: 'Status', type: 'select', options: enumOptions(KEYWORD_STATUSES) },
    ],
    submit: async (data) => {
      const res = await read(
        api.api.v1.planner.keywords[':id'].$patch({ param: { id: param(keyword.id) }, json: data }),
      );
      return `“${res.data.keyword}” saved.`;
    },
  };
}
