import { api, read } from '$lib/api/client';
import type { Option } from '$lib/templates/types';

/** The active author profiles as select options (an Author select puts "Site default" first). */
export async function authorOptions(): Promise<Option[]> {
  const page = await read(
    api.api.v1.system['author-profiles'].$get({ query: { is_active: 'true', page_size: '100', ordering: 'name' } }),
  ).catch(() => null);
  return (page?.results ?? []).map((p: { id: number; name: string }) => ({ value: p.id, label: p.name }));
}
