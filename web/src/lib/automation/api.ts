/**
 * The Automation calls of the web app (issue 13): rules, their schedule preview, runs and the
 * starts history, through the typed client over the worker's routes (the access token, the one
 * shared refresh, the envelope read by `read`/`data`). Row types come from the routes themselves.
 */
import type { AutomationRunView } from '$core/automation/run';
import type { CreateRuleBody, UpdateRuleBody } from '$core/validation/automation';
import { api, type DataOf, data, param, type Query, read, type RowOf } from '$lib/api/client';

export type { AutomationRunView };

const auto = api.api.v1.automation;
const rule = auto.rules[':id'];
const run = auto.runs[':runId'];
const id = (value: number) => ({ id: param(value) });
const runId = (value: string) => ({ runId: param(value) });

/** A rule with its next five runs, its schedule in words, the most credits one run can use and its last run. */
export type RuleView = DataOf<typeof rule.$get>;
export type SchedulePreview = DataOf<typeof auto.schedule_preview.$get>;
/** What a dry run says a run would do now: its keywords, credits and publish times; nothing is created. */
export type DryRunPlan = DataOf<(typeof rule)['dry_run']['$post']>['plan'];
/** One start of a rule (the seed's ScheduledTask). */
export type ScheduledTaskRow = RowOf<(typeof auto)['scheduled-tasks']['$get']>;

export const automation = {
  rules: (siteId: number) => read(auto.rules.$get({ query: { site_id: siteId, page_size: 100 } })),
  rule: (ruleId: number) => data(rule.$get({ param: id(ruleId) })),
  createRule: (json: Partial<CreateRuleBody> & Pick<CreateRuleBody, 'site_id' | 'name' | 'trigger'>) =>
    data(auto.rules.$post({ json: json as CreateRuleBody })),
  updateRule: (ruleId: number, json: UpdateRuleBody) => data(rule.$patch({ param: id(ruleId), json })),
  deleteRule: (ruleId: number) => read(rule.$delete({ param: id(ruleId) })),
  pauseRule: (ruleId: number) => data(rule.pause.$post({ param: id(ruleId) })),
  resumeRule: (ruleId: number) => data(rule.resume.$post({ param: id(ruleId) })),
  /** Starts a run now without moving the schedule (202 with the run); 402 when the balance can't cover it. */
  runNow: async (ruleId: number) =>
    (await data(rule.run_now.$post({ param: id(ruleId), json: { dry_run: false } }))).run as AutomationRunView | null,
  dryRun: async (ruleId: number) => (await data(rule.dry_run.$post({ param: id(ruleId) }))).plan,
  schedulePreview: (cron: string, tz: string, signal?: AbortSignal) =>
    data(auto.schedule_preview.$get({ query: { cron, tz, count: 5 } }, { init: { signal } })),

  runs: (query: Query) => read(auto.runs.$get({ query: query as never })),
  run: async (id: string) => (await data(run.$get({ param: runId(id) }))) as AutomationRunView,
  runAction: async (id: string, action: 'pause' | 'resume' | 'cancel' | 'retry') => {
    const args = { param: runId(id) };
    const view =
      action === 'retry'
        ? await data(run.retry.$post(args))
        : action === 'pause'
          ? await data(run.pause.$post(args))
          : action === 'resume'
            ? await data(run.resume.$post(args))
            : await data(run.cancel.$post(args));
    return view as AutomationRunView;
  },
  /** The review gate: the run after it, and which articles were scheduled (when) or refused (why). */
  approve: async (id: string, contentIds?: number[]) => {
    const res = await data(
      run.approve.$post({ param: runId(id), json: contentIds ? { content_ids: contentIds } : {} }),
    );
    return { run: res.run as AutomationRunView, approval: res.approval };
  },
  scheduledTasks: (query: Query) => read(auto['scheduled-tasks'].$get({ query: query as never })),
};
