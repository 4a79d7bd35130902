import type { CrossAccountRequest } from '../middleware/tenant';
import { controlDb } from '../db/shards';
import type { Env } from '../env';
import { recordAudit } from './audit';

/**
 * The audit row of a developer's request made for another account (X-Account-ID): tenantContext calls it
 * after the response, through the hook the API wires up (worker/app.ts), since the platform layer can't
 * import the console.
 */
export async function recordCrossAccountRequest(env: Env, request: CrossAccountRequest) {
  await recordAudit(controlDb(env), {
    actorUserId: request.actorUserId,
    actorAccountId: request.actorAccountId,
    targetAccountId: request.targetAccountId,
    action: 'cross_account.request',
    method: request.method,
    path: request.path,
    status: request.status,
    requestId: request.requestId,
  });
}
