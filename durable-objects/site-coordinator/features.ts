import type { AiFunction } from '../../core/domain/enums';
import type { Env } from '../../worker/env';
import { creditLedger } from '../../worker/billing/ledger';
import { linkerFunctions } from '../../worker/linker/ai';
import { optimizerFunctions } from '../../worker/optimizer/ai';
import { plannerFunctions } from '../../worker/planner/ai';
import { siteBuilderFunctions } from '../../worker/site-builder/ai';
import { deploySite } from '../../worker/publisher/deploy-site';
import { syncIntegration } from '../../worker/integration/sync/sync-job';
import { aiCallLog } from '../../worker/system/ai-call-log';
import { aiSettings } from '../../worker/system/ai-settings';
import { taskLog } from '../../worker/system/task-log';
import { writerFunctions } from '../../worker/writer/ai';
import { remoteKeyBudget } from '../ai-budget/client';
import type { AiFunctionRegistry } from './engine/ai-function';
import type { EnginePorts, KeyBudget } from './engine/ports';

/**
 * Where the features plug into the job engine (the engine itself imports none of them): the AI
 * functions each feature registers, and the ports the engine runs them with. Only the
 * SiteCoordinator class and integration tests import this file.
 */
export const AI_FUNCTION_REGISTRY: AiFunctionRegistry = {
  ...plannerFunctions,
  ...writerFunctions,
  ...optimizerFunctions,
  ...linkerFunctions,
  ...siteBuilderFunctions,
  deploy_site: deploySite,
  sync_integration: syncIntegration,
};

export function functionDefinition(name: string) {
  const def = AI_FUNCTION_REGISTRY[name as AiFunction];
  if (!def) throw new Error(`Unknown AI function ${name}`);
  return def;
}

export const enginePorts: EnginePorts = { ledger: creditLedger, taskLog, settings: aiSettings, callLog: aiCallLog };

/**
 * The provider-key budgets of a coordinator (`coordinatorId`: its object id): the account's
 * AiBudget objects, shared by all its sites, not a limiter per site (issue 10, item 10).
 */
export function keyBudgetOf(env: Env, coordinatorId: string): KeyBudget {
  return remoteKeyBudget(env, coordinatorId);
}
