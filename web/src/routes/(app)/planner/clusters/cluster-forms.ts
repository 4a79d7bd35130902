/** Forms of the clusters page (page-local config over the shared core/validation schemas). */
import { clusterIdeasSelectionBody, createClusterBody, updateClusterBody } from '$core/validation/planner';
import { api, param, read } from '$lib/api/client';
import type { Cluster } from '$lib/api/planner-types';
import { plural } from '$lib/format';
import { startAiJob } from '$lib/realtime/start-job';
import type { BulkTarget, FormConfig, Option } from '$lib/templates/types';

export function createClusterForm(
  siteId: number,
  sectors: Option[],
  sectorId: number | null,
): FormConfig<typeof createClusterBody> {
  return {
    schema: createClusterBody,
    fixed: { site_id: siteId },
    submitLabel: 'Create cluster',
    initial: { sector_id: sectorId },
    fields: [
      {
        name: 'name',
        label: 'Name',
        type: 'text',
        required: true,
        placeholder: 'Raised bed gardening',
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
      { name: 'description', label: 'Description', type: 'textarea', rows: 3 },
    ],
    submit: async (data) => {
      const res = await read(api.api.v1.planner.clusters.$post({ json: data }));
      return `Cluster “${res.data.name}” created.`;
    },
  };
}

export function editClusterForm(cluster: Cluster): FormConfig<typeof updateClusterBody> {
  return {
    schema: updateClusterBody,
    submitLabel: 'Save changes',
    initial: { name: cluster.name, description: cluster.description },
    fields: [
      { name: 'name', label: 'Name', type: 'text', required: true, autocomplete: 'off' },
      { name: 'description', label: 'Description', type: 'textarea', rows: 4, empty: 'keep' },
    ],
    submit: async (data) => {
      const res = await read(
        api.api.v1.planner.clusters[':id'].$patch({ param: { id: param(cluster.id) }, json: data }),
      );
      return `Cluster “${res.data.name}” saved.`;
    },
  };
}

/** 3–7 ideas per cluster, as the seeds' idea generator allows. */
const IDEAS_PER_CLUSTER: Option[] = [3, 4, 5, 6, 7].map((n) => ({ value: n, label: `${n} ideas per cluster` }));

/**
 * The clusters checked, or (`target.all`) every cluster the list matches: the API takes the same
 * filter the list used and runs jobs of 100 clusters.
 */
export function generateIdeasForm(
  clusters: Cluster[],
  target?: BulkTarget,
): FormConfig<typeof clusterIdeasSelectionBody> {
  const count = target?.count ?? clusters.length;
  return {
    schema: clusterIdeasSelectionBody,
    fixed: target?.all ? { ...target.selection } : { ids: clusters.map((c) => c.id) },
    submitLabel: 'Generate ideas',
    initial: { ideas_per_cluster: 3 },
    fields: [
      {
        name: 'ideas_per_cluster',
        label: 'How many ideas',
        type: 'select',
        required: true,
        options: IDEAS_PER_CLUSTER,
        hint:
          'Each idea comes with a title, target keywords and an outline of 6–10 sections. 1 credit per idea ' +
          'created, charged only when the job succeeds.',
      },
    ],
    submit: (data) =>
      startAiJob(
        () => read(api.api.v1.planner.clusters.auto_generate_ideas.$post({ json: data })),
        `Generating ideas for ${plural(count, 'cluster')}: follow it under AI jobs.`,
      ),
  };
}
