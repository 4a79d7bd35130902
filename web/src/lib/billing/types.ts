/** The plan's limits with their usage, as GET /billing/limits answers (null: unlimited). */
export interface Limits {
  sites: { used: number; limit: number | null };
  users: { used: number; limit: number | null };
  keywords: { used: number; limit: number | null };
  clusters: { used: number; limit: number | null };
}
