/**
 * What the API returns, derived from the shared Drizzle schema (core/schema) so a column added
 * there shows up here: rows travel as JSON, so their Dates arrive as ISO strings.
 */
import type { Permission } from '$core/access';
import type { Role } from '$core/domain/enums';
import type { AccountRow, IndustryRow, IndustrySectorRow, PlanRow, UserRow } from '$core/schema/control';
import type { SectorRow, SiteRow, siteUserAccess } from '$core/schema/shard';

export type Json<T> = {
  [K in keyof T]: T[K] extends Date ? string : T[K] extends Date | null ? string | null : T[K];
};

/** worker/sites/service.ts publicSite(): never the encrypted WordPress password. */
export type Site = Omit<Json<SiteRow>, 'wp_app_password_enc' | 'deleted_at'> & { wp_app_password_set: boolean };
export type SiteSummary = Pick<Site, 'id' | 'name' | 'slug' | 'domain' | 'status'>;
export type Sector = Json<SectorRow>;
export type Plan = Json<PlanRow>;
export type IndustrySector = Json<IndustrySectorRow>;
export type Industry = Json<IndustryRow> & { sectors: IndustrySector[] };
export type SiteGrant = Json<typeof siteUserAccess.$inferSelect>;

/** GET /auth/account/ */
export type Account = Json<AccountRow> & { plan: Plan; usage: { users: number; sites: number } };

/** worker/users/service.ts publicUser() plus the list's site grants. */
export type AccountUser = Pick<
  Json<UserRow>,
  'id' | 'account_id' | 'email' | 'name' | 'role' | 'status' | 'last_login_at' | 'created_at'
> & {
  site_ids?: number[];
};

/** GET /auth/me/ */
export interface Me {
  user: { id: number; email: string; name: string; role: Role; account_id: number };
  account: {
    id: number;
    name: string;
    slug: string;
    status: string;
    plan: { id: number; slug: string; name: string };
  } | null;
  permissions: Record<Permission, boolean>;
  sites: SiteSummary[];
}

/** Sign-in, sign-up, refresh and invite acceptance: the refresh token stays in the httpOnly cookie. */
export interface SessionTokens {
  access: string;
  access_expires_at: string;
  refresh_expires_at: string;
}

/** GET /auth/invite/:token */
export interface InviteInfo {
  email: string;
  name: string;
  role: Role;
  account_name: string;
}

/** POST /auth/users/ and /users/:id/invite_link */
export interface InviteLink {
  invite_url: string;
  invite_expires_at: string;
}
