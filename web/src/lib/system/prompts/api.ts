import { api, data, param, read } from '$lib/api/client';

/** The prompt history's calls (worker/system/prompt-routes.ts), typed by the routes. */
const prompt = api.api.v1.system.prompts[':type'];

export const PAGE_SIZE = 20;

export const versionsOf = (type: string, page: number) =>
  read(
    prompt.versions.$get({ param: { type: param(type) }, query: { page: String(page), page_size: String(PAGE_SIZE) } }),
  );

export const diffOf = (type: string, from: number, to: number) =>
  data(prompt.diff.$get({ param: { type: param(type) }, query: { from: String(from), to: String(to) } }));

export const restore = (type: string, version: number) =>
  read(prompt.restore.$post({ param: { type: param(type) }, json: { version } }));

export const tryPrompt = (type: string, text: string | undefined, input: unknown) =>
  data(prompt.try.$post({ param: { type: param(type) }, json: { text, input } }));

export const testImage = (prompt_: string) =>
  data(prompt.test_image.$post({ param: { type: 'image_generation' }, json: { prompt: prompt_ } }));

export type PromptVersion = Awaited<ReturnType<typeof versionsOf>>['results'][number];
export type PromptDiff = Awaited<ReturnType<typeof diffOf>>;
export type TryResult = Awaited<ReturnType<typeof tryPrompt>>;
export type TestImageResult = Awaited<ReturnType<typeof testImage>>;

export const SOURCE_LABELS: Record<string, string> = { edit: 'Edited', restore: 'Restored', reset: 'Reset' };
