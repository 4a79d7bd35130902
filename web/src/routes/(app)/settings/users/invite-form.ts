import { inviteUserBody } from '$core/validation/auth';
import { api, read } from '$lib/api/client';
import type { AccountUser, InviteLink, SiteSummary } from '$lib/api/types';
import type { FormConfig } from '$lib/templates/types';
import type { Role } from '$core/domain/enums';
import { roleOptions } from './roles';

export type InviteResult = InviteLink & { user: AccountUser };

/**
 * The invite form (page-local config): sites only for editors and viewers, who see nothing else.
 * The site the inviter is working in comes preselected: inviting someone is usually "to this site".
 */
export function inviteForm(
  actor: Role | undefined,
  sites: SiteSummary[],
  done: (result: InviteResult) => unknown,
  currentSiteId: number | null = null,
): FormConfig<typeof inviteUserBody> {
  const preselected = sites.some((s) => s.id === currentSiteId) ? [currentSiteId as number] : [];
  return {
    schema: inviteUserBody,
    submitLabel: 'Create invite link',
    initial: { role: 'editor', site_ids: preselected },
    fields: [
      {
        name: 'email',
        label: 'Email',
        type: 'email',
        required: true,
        autocomplete: 'off',
        placeholder: 'teammate@example.com',
      },
      { name: 'name', label: 'Name', type: 'text', autocomplete: 'off' },
      { name: 'role', label: 'Role', type: 'select', required: true, options: roleOptions(actor) },
      {
        name: 'site_ids',
        label: 'Sites they can see',
        type: 'checkboxes',
        hint: 'Editors and viewers see only these sites. You can change this later under Site access.',
        options: sites.map((s) => ({ value: s.id, label: s.name, hint: s.domain ?? undefined })),
        hidden: (v) => v.role === 'admin',
      },
    ],
    submit: async (data) => {
      const res = await read(api.api.v1.auth.users.$post({ json: data }));
      await done(res.data);
    },
  };
}
