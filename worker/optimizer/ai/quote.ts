/**
 * The price of AI fixes before the click (issue 11: "a credit cost shown before the click"): per
 * action its credits, the score checks it addresses and whether the draft has anything for it to
 * fix now (the room reads the targets the job would), with the account's balance.
 */
import { OPTIMIZE_CHECKS, type OptimizeAction } from '../../../core/validation/optimizer';
import { draftRoomOf } from '../../../durable-objects/draft-room/client';
import { balanceOf } from '../../billing/ledger';
import type { Env } from '../../env';
import type { Tenant } from '../../middleware/tenant';
import { loadBrief } from '../brief';
import { CREDITS_PER_ACTION } from './optimize-content';

export async function optimizeQuote(env: Env, tenant: Tenant, contentId: number, actions: OptimizeAction[]) {
  const accountId = tenant.account.id;
  const [loaded, { balance }] = await Promise.all([
    loadBrief(tenant.db, accountId, contentId),
    balanceOf(tenant.db, accountId),
  ]);
  const targets = loaded
    ? await draftRoomOf(env, accountId, contentId).fixTargets({ ...loaded.editor, pages: [] }, actions)
    : [];
  const rows = actions.map((action) => ({
    action,
    credits: CREDITS_PER_ACTION[action],
    checks: OPTIMIZE_CHECKS[action],
    // False: the checks it addresses already pass (a job for it alone would have nothing to do).
    needed: targets.some((t) => t.action === action && t.target !== null),
  }));
  // Held when the job starts: every action asked for; charged: the fixes applied.
  const credits = rows.reduce((n, r) => n + r.credits, 0);
  return {
    content_id: contentId,
    actions: rows,
    credits,
    credits_needed: rows.filter((r) => r.needed).reduce((n, r) => n + r.credits, 0),
    balance,
    affordable: balance >= credits,
  };
}
