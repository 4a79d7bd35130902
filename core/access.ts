/**
 * The access matrix (seed 001, "Access Control Matrix"), in one place. Routes ask `can(role,
 * permission)` and `siteAccessOf(role)`; no route decides access on its own. The web app reads the
 * same table to hide what a role cannot do.
 */
import type { Role } from './domain/enums';

export const PERMISSIONS = {
  /** Read data in sites the user can see. */
  'data:read': ['developer', 'system_bot', 'owner', 'admin', 'editor', 'viewer'],
  /** Create, change and delete keywords, clusters, ideas, tasks, content, images; run AI jobs. */
  'data:write': ['developer', 'system_bot', 'owner', 'admin', 'editor'],
  /** Create, change and delete sites and sectors. */
  'sites:manage': ['developer', 'system_bot', 'owner', 'admin'],
  /** Invite, change and remove users; grant and revoke site access. */
  'users:manage': ['developer', 'owner', 'admin'],
  /** Balance, transactions, usage, plan. */
  'billing:read': ['developer', 'owner'],
  'billing:manage': ['developer', 'owner'],
  /** AI settings, prompts, author profiles, integrations. */
  'settings:manage': ['developer', 'system_bot', 'owner', 'admin'],
  /** Act on an account other than one's own (X-Account-ID). */
  'accounts:any': ['developer', 'system_bot'],
  /** The developer console (/admin): accounts, plans, credit adjustments, shards, dead letters, audit log. */
  'system:admin': ['developer'],
  /** The status page and the AI call log (a developer sees every account's). */
  'system:status': ['developer', 'owner', 'admin'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export function can(role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}

/**
 * Which sites of the account a role sees: all of them, or only those granted through
 * SiteUserAccess (editors and viewers).
 */
export function siteAccessOf(role: Role): 'all' | 'granted' {
  switch (role) {
    case 'developer':
    case 'system_bot':
    case 'owner':
    case 'admin':
      return 'all';
    case 'editor':
    case 'viewer':
      return 'granted';
    default: {
      const unknownRole: never = role;
      throw new Error(`Unknown role ${String(unknownRole)}`);
    }
  }
}

/** Roles ordered by rank (seed: developer > owner > admin > editor > viewer). */
const RANK: Record<Role, number> = { developer: 5, owner: 4, admin: 3, editor: 2, viewer: 1, system_bot: 0 };

/** An admin may manage editors and viewers and other admins, never the owner. */
export function canManageUser(actor: Role, target: Role): boolean {
  if (!can(actor, 'users:manage')) return false;
  if (target === 'owner' || target === 'developer' || target === 'system_bot') return actor === 'developer';
  return RANK[actor] >= RANK[target];
}
