import { canManageUser } from '$core/access';
import { ASSIGNABLE_ROLES, type Role } from '$core/domain/enums';
import { humanize } from '$lib/format';
import type { Option } from '$lib/templates/types';

/** What each role may do, in the words of the access matrix (core/access.ts). */
export const ROLE_SUMMARY: Record<string, string> = {
  admin: 'Manages sites, sectors and users; sees every site.',
  editor: 'Plans and writes in the sites granted to them.',
  viewer: 'Reads the sites granted to them; changes nothing.',
};

/** The roles the signed-in user may hand out. */
export function roleOptions(actor: Role | undefined): Option[] {
  return ASSIGNABLE_ROLES.filter((r) => actor && canManageUser(actor, r)).map((r) => ({
    value: r,
    label: `${humanize(r)} — ${ROLE_SUMMARY[r]}`,
  }));
}
