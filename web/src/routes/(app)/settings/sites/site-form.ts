import { HOSTING_TYPES, SITE_STATUSES } from '$core/domain/enums';
import { createSiteBody, updateSiteBody } from '$core/validation/sites';
import { api, param, read } from '$lib/api/client';
import type { Industry, Site } from '$lib/api/types';
import { hostingLabel, humanize } from '$lib/format';
import type { FieldConfig, FormConfig, Option } from '$lib/templates/types';

/** The site form (page-local config): create and edit share fields, each with its own schema. */
function fields(industries: Industry[], editing: boolean, authors?: Option[]): FieldConfig[] {
  const list: FieldConfig[] = [
    { name: 'name', label: 'Site name', type: 'text', required: true, placeholder: 'Green Thumb Gardening' },
    {
      name: 'domain',
      label: 'Domain',
      type: 'text',
      placeholder: 'example.com',
      hint: 'Without https:// or a path.',
      empty: editing ? 'null' : 'omit',
    },
    {
      name: 'industry_id',
      label: 'Industry',
      type: 'select',
      emptyOption: 'No industry',
      options: industries.map((i) => ({ value: i.id, label: i.name })),
      hint: 'Used to suggest sector templates.',
      empty: editing ? 'null' : 'omit',
    },
    {
      name: 'hosting_type',
      label: 'Hosting',
      type: 'select',
      required: true,
      options: HOSTING_TYPES.map((h) => ({ value: h, label: hostingLabel(h) })),
    },
    { name: 'description', label: 'Description', type: 'textarea', rows: 3, empty: editing ? 'keep' : 'omit' },
  ];
  if (editing && authors)
    list.push({
      name: 'default_author_profile_id',
      label: 'Default author',
      type: 'select',
      emptyOption: 'No default author',
      options: authors,
      hint: 'Articles are written as this author unless their task or idea names another.',
      empty: 'null',
    });
  if (editing)
    list.push({
      name: 'status',
      label: 'Status',
      type: 'select',
      required: true,
      options: SITE_STATUSES.map((s) => ({ value: s, label: humanize(s) })),
    });
  return list;
}

export function createSiteForm(
  industries: Industry[],
  after: (site: Site) => unknown,
): FormConfig<typeof createSiteBody> {
  return {
    schema: createSiteBody,
    submitLabel: 'Add site',
    initial: { hosting_type: 'wordpress' },
    fields: fields(industries, false),
    submit: async (data) => {
      const res = await read(api.api.v1.auth.sites.$post({ json: data }));
      await after(res.data);
      return `Site “${res.data.name}” added.`;
    },
  };
}

export function editSiteForm(
  site: Site,
  industries: Industry[],
  after: (site: Site) => unknown,
  /** Active author profiles: only settings managers are offered the Default author select. */
  authors?: Option[],
): FormConfig<typeof updateSiteBody> {
  return {
    schema: updateSiteBody,
    submitLabel: 'Save changes',
    initial: {
      name: site.name,
      domain: site.domain ?? '',
      industry_id: site.industry_id,
      hosting_type: site.hosting_type,
      description: site.description,
      status: site.status,
      default_author_profile_id: site.default_author_profile_id ?? null,
    },
    fields: fields(industries, true, authors),
    submit: async (data) => {
      const res = await read(api.api.v1.auth.sites[':id'].$patch({ param: { id: param(site.id) }, json: data }));
      await after(res.data);
      return `Site “${res.data.name}” saved.`;
    },
  };
}
