/**
 * The AI settings forms (page-local config). The key fields are write-only: left empty, the
 * saved key stays; the API never sends a key back, only whether one is set. Models per function
 * are fields named by their path ("models.auto_cluster") and nested before validation, so the
 * shared schema's errors land under the right field.
 */
import { z } from 'zod';
import type { AiFunction } from '$core/domain/enums';
import { openAiSettingsBody, runwareSettingsBody } from '$core/validation/system';
import { api, read } from '$lib/api/client';
import type { OpenAiSettings, RunwareSettings } from '$lib/api/planner-types';
import { FUNCTION_LABELS } from '$lib/realtime/job-text';
import type { FieldConfig, FormConfig } from '$lib/templates/types';

/** The functions that call the chat model (images go to Runware). */
const TEXT_FUNCTIONS: AiFunction[] = [
  'auto_cluster',
  'generate_ideas',
  'generate_content',
  'generate_image_prompts',
  'optimize_content',
  'link_content',
];
const MODEL_PREFIX = 'models.';

/** {"models.auto_cluster": "x"} → {models: {auto_cluster: "x"}}; always sends `models` so cleared ones go. */
function nestModels(values: unknown) {
  const flat = { ...(values as Record<string, unknown>) };
  const models: Record<string, unknown> = {};
  for (const key of Object.keys(flat)) {
    if (!key.startsWith(MODEL_PREFIX)) continue;
    models[key.slice(MODEL_PREFIX.length)] = flat[key];
    delete flat[key];
  }
  return { ...flat, models };
}

const openAiForm = z.preprocess(nestModels, openAiSettingsBody);

function keyField(keySet: boolean): FieldConfig {
  return {
    name: 'api_key',
    label: 'API key',
    type: 'password',
    autocomplete: 'new-password',
    placeholder: keySet ? '•••••••• (saved)' : 'sk-…',
    hint: keySet
      ? 'A key is saved; it is never shown. Type a new one to replace it, or leave this empty to keep it.'
      : 'No key saved.',
  };
}

export function openAiSettingsForm(
  settings: OpenAiSettings,
  saved: (s: OpenAiSettings) => void,
): FormConfig<typeof openAiForm> {
  const c = settings.config;
  const defaultModel = settings.effective?.model ?? 'gpt-4o-mini';
  return {
    schema: openAiForm,
    submitLabel: 'Save OpenAI settings',
    initial: {
      base_url: c.base_url ?? '',
      max_concurrency: c.max_concurrency ?? '',
      requests_per_minute: c.requests_per_minute ?? '',
      ...Object.fromEntries(TEXT_FUNCTIONS.map((f) => [`${MODEL_PREFIX}${f}`, c.models?.[f] ?? ''])),
    },
    fields: [
      keyField(settings.key_set),
      {
        name: 'base_url',
        label: 'Base URL',
        type: 'url',
        placeholder: 'https://api.openai.com/v1',
        empty: 'null',
        hint: 'Leave empty for OpenAI itself; any OpenAI-compatible endpoint works.',
      },
      ...TEXT_FUNCTIONS.map<FieldConfig>((f) => ({
        name: `${MODEL_PREFIX}${f}`,
        label: `Model for ${FUNCTION_LABELS[f]}`,
        type: 'text',
        placeholder: defaultModel,
        autocomplete: 'off',
      })),
      {
        name: 'max_concurrency',
        label: 'Max concurrent AI calls',
        type: 'number',
        min: 1,
        max: 32,
        step: 1,
        placeholder: '4',
        hint: 'Per key; bulk jobs queue beyond it instead of hitting rate limits.',
      },
      {
        name: 'requests_per_minute',
        label: 'Requests per minute',
        type: 'number',
        min: 1,
        max: 10_000,
        step: 1,
        placeholder: '120',
        hint: 'Your plan’s limit with the provider.',
      },
    ],
    submit: async (data) => {
      const res = await read(api.api.v1.system.settings.integrations.openai.$put({ json: data }));
      saved(res.data as OpenAiSettings);
      return 'OpenAI settings saved.';
    },
  };
}

export function runwareSettingsForm(
  settings: RunwareSettings,
  saved: (s: RunwareSettings) => void,
): FormConfig<typeof runwareSettingsBody> {
  const c = settings.config;
  return {
    schema: runwareSettingsBody,
    submitLabel: 'Save Runware settings',
    initial: { base_url: c.base_url ?? '', model: c.model ?? '', image_type: c.image_type ?? null },
    fields: [
      keyField(settings.key_set),
      { name: 'base_url', label: 'Base URL', type: 'url', placeholder: 'https://api.runware.ai/v1', empty: 'null' },
      { name: 'model', label: 'Image model', type: 'text', placeholder: 'runware:100@1', autocomplete: 'off' },
      {
        name: 'image_type',
        label: 'Image style',
        type: 'select',
        emptyOption: 'Default',
        options: [
          { value: 'realistic', label: 'Realistic' },
          { value: 'artistic', label: 'Artistic' },
          { value: 'cartoon', label: 'Cartoon' },
        ],
      },
    ],
    submit: async (data) => {
      const res = await read(api.api.v1.system.settings.integrations.runware.$put({ json: data }));
      saved(res.data as RunwareSettings);
      return 'Runware settings saved.';
    },
  };
}
