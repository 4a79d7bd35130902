/**
 * Ideas → tasks: local work through the planner's service (one D1 batch, no AI, no credits); the
 * service skips an idea that already has a task, so a restart creates nothing twice. Output: the
 * tasks of these ideas.
 */
import { sql } from 'drizzle-orm';
import { createTasksFromIdeasService } from '../../planner/ideas-service';
import { queueTasksStatements } from '../../writer/tasks-service';
import { finishedState } from './jobs';
import { pickNewIdeas } from './pick';
import { inputOf, scopeOf } from './scope';
import type { Stage } from './types';

/** The planner's limit for one call (createTasksFromIdeas refuses more than 500 ideas). */
const MAX_IDEAS = 500;

export const tasks: Stage = {
  name: 'tasks',
  async step(ctx) {
    const db = ctx.tenant.db;
    const a = ctx.run.account_id;
    const given = inputOf(ctx);
    const candidates = given ?? (await pickNewIdeas(db, scopeOf(ctx), ctx.config.batches.tasks_per_batch));
    // Ideas deleted since the stage before made them are left out (the service refuses unknown ids).
    const existing = (
      await db.all<{ id: number }>(sql`
        SELECT id FROM content_ideas WHERE account_id = ${a} AND site_id = ${ctx.run.site_id}
          AND id IN (SELECT value FROM json_each(${JSON.stringify(candidates)})) ORDER BY id`)
    ).map((r) => r.id);
    const ideaIds = existing.slice(0, MAX_IDEAS);
    if (!ideaIds.length) return { kind: 'done', state: finishedState(ctx, { note: 'No ideas to turn into tasks.' }) };
    const result = await createTasksFromIdeasService(ctx.tenant, ideaIds, queueTasksStatements);
    const made = (
      await db.all<{ id: number }>(sql`
        SELECT id FROM tasks WHERE account_id = ${a}
          AND idea_id IN (SELECT value FROM json_each(${JSON.stringify(ideaIds)})) ORDER BY id`)
    ).map((r) => r.id);
    const skipped = result.already_had_tasks;
    return {
      kind: 'done',
      state: finishedState(ctx, {
        input_ids: ideaIds,
        input_count: ideaIds.length,
        output_ids: made,
        output_count: made.length,
        note: skipped > 0 && given === null ? `${skipped} ideas already had tasks` : null,
      }),
    };
  },
};
