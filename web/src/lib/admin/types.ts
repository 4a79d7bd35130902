import type { DataOf, RowOf, api } from '$lib/api/client';

/** The developer console's rows, typed by the API's routes (worker/admin/routes.ts). */
type Admin = typeof api.api.v1.admin;
export type AdminAccountRow = RowOf<Admin['accounts']['$get']>;
export type AdminAccountDetail = DataOf<Admin['accounts'][':id']['$get']>;
export type AdminPlan = DataOf<Admin['plans']['$get']>[number];
export type DeadLetterRow = RowOf<Admin['dead-letters']['$get']>;
export type AuditRow = RowOf<Admin['audit']['$get']>;
export type StatusReport = DataOf<typeof api.api.v1.system.status.$get>;
