/**
 * What the account, site and user routes return, read from the API's own type (the typed client
 * over the worker's AppType): a field the worker adds or drops shows up here by itself.
 */
import type { api, DataOf, RowOf } from './client';

type Auth = typeof api.api.v1.auth;

/** worker/sites/service.ts publicSite(): never the encrypted WordPress password. */
export type Site = RowOf<Auth['sites']['$get']>;
/** GET /auth/me/: as the route answers it. */
export type Me = DataOf<Auth['me']['$get']>;
export type SiteSummary = Me['sites'][number];
export type Sector = RowOf<Auth['sectors']['$get']>;
export type Industry = DataOf<Auth['industries']['$get']>[number];
export type IndustrySector = Industry['sectors'][number];
export type Plan = DataOf<Auth['plans']['$get']>[number];
export type SiteGrant = RowOf<Auth['site-access']['$get']>;

/** GET /auth/account/ */
export type Account = DataOf<Auth['account']['$get']>;

/** worker/users/service.ts publicUser() plus the list's site grants. */
export type AccountUser = RowOf<Auth['users']['$get']>;

/** POST /auth/users/ and /users/:id/invite_link */
export type InviteLink = DataOf<Auth['users'][':id']['invite_link']['$post']>;
