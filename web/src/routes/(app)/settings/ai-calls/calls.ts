import { api, data, param, read } from '$lib/api/client';

/** The AI call log's calls (worker/system/ai-calls-routes.ts), typed by the routes. */
const calls = api.api.v1.system['ai-calls'];

export interface CallFilters {
  purpose: string;
  status: string;
  site_id: string;
  model: string;
  job_id: string;
  repaired: string;
  since: string;
  until: string;
}

export const NO_FILTERS: CallFilters = {
  purpose: '',
  status: '',
  site_id: '',
  model: '',
  job_id: '',
  repaired: '',
  since: '',
  until: '',
};

export const PAGE_SIZE = 25;

export function listCalls(filters: CallFilters, page: number) {
  const query: Record<string, string> = { page: String(page), page_size: String(PAGE_SIZE) };
  for (const [k, v] of Object.entries(filters)) if (v) query[k] = v;
  // Dates from <input type="date"> are days: "until" includes the whole day.
  if (filters.until) query.until = `${filters.until}T23:59:59.999Z`;
  return read(calls.$get({ query }));
}

export const callBody = (id: number) => data(calls[':id'].body.$get({ param: { id: param(id) } }));

export type CallRow = Awaited<ReturnType<typeof listCalls>>['results'][number];
