/**
 * What the draft room takes from features (the Optimizer's brief and scores, the site inventory),
 * wired here at the entry point: the draft engine knows no feature (DESIGN §9 dependency rule),
 * as the site coordinator's features.ts does for its AI functions.
 */
import { shardDb } from '../../worker/db/shards';
import type { Env } from '../../worker/env';
import { contentPageStatement, replaceContentLinksStatements } from '../../worker/inventory/service';
import { loadBrief } from '../../worker/optimizer/brief';
import { recordScoreStatements } from '../../worker/optimizer/scores';
import type { AnalysisPorts } from './analysis';

export function analysisPorts(env: Env): AnalysisPorts {
  return {
    loadBrief: (target) => loadBrief(shardDb(env, target.shard), target.accountId, target.contentId),
    pageStatement: (ref, facts) => contentPageStatement({ ...ref, ...facts }),
    linkStatements: (ref, links) => replaceContentLinksStatements(ref.accountId, ref.siteId, ref.contentId, links),
    scoreStatements: (ref, score) => recordScoreStatements(ref, score),
  };
}
