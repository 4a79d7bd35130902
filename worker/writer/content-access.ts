import { and, eq } from 'drizzle-orm';
import { content } from '../../core/schema/shard';
import type { Tenant } from '../middleware/tenant';
import { requireScopedRow } from '../planner/scope';
import type { AccessMode } from '../sites/access';

/**
 * A content row of the tenant's account whose site the user can see (else 404, whatever the
 * reason: another account's id reveals nothing); `write` also needs a role that writes (else 403).
 */
export function requireContent(tenant: Tenant, contentId: number, mode: AccessMode) {
  return requireScopedRow(
    tenant,
    'Content',
    () =>
      tenant.db
        .select({
          id: content.id,
          site_id: content.site_id,
          sector_id: content.sector_id,
          title: content.title,
          status: content.status,
        })
        .from(content)
        .where(and(eq(content.account_id, tenant.account.id), eq(content.id, contentId)))
        .get(),
    mode,
  );
}
