/**
 * Payloads of the Automation API (issue 13), shared by the worker and the web: one schema for a
 * rule's config, one per request body. Defaults are the seed's batch sizes.
 */
import { z } from 'zod';
import {
  AUTOMATION_EVENTS,
  AUTOMATION_STAGES,
  AUTOMATION_TRIGGERS,
  PICK_ORDERS,
  PUBLISH_DESTINATIONS,
  PUBLISH_MODES,
} from '../domain/enums';
import { description, id, listQuery, name } from './common';

/** "HH:MM", 24-hour, in the rule's time zone. */
const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'A time such as 09:00.');

/** Publishing window: approved articles go out only between `start` and `end` (rule's zone), spaced. */
export const publishWindow = z
  .object({
    start: clock.default('09:00'),
    end: clock.default('17:00'),
    /** Days of the week the window opens (0 = Sunday … 6 = Saturday). */
    days: z.array(z.number().int().min(0).max(6)).min(1).max(7).default([1, 2, 3, 4, 5]),
    /** At most this many publishes per day (rule's zone). */
    max_per_day: z.number().int().min(1).max(100).default(2),
    /** At least this long between two publishes. */
    min_spacing_minutes: z
      .number()
      .int()
      .min(0)
      .max(24 * 60)
      .default(120),
  })
  .strict()
  .refine((w) => w.start < w.end, { message: 'The window must end after it starts.', path: ['end'] });
export type PublishWindow = z.output<typeof publishWindow>;

/**
 * Every cap can be lifted (null: no cap beyond the plan's and the balance's). The daily article and
 * image caps have defaults so a new rule's worst case fits a trial balance: without them 20 keywords
 * could become 140 articles with 700 images (1,261 credits) and the rule would be refused at once.
 */
export const ruleCaps = z
  .object({
    articles_per_day: z.number().int().min(1).max(500).nullable().default(5),
    images_per_day: z.number().int().min(1).max(2000).nullable().default(25),
    credits_per_run: z.number().int().min(1).max(100_000).nullable().default(null),
    credits_per_day: z.number().int().min(1).max(1_000_000).nullable().default(null),
  })
  .strict();
export type RuleCaps = z.output<typeof ruleCaps>;

/** How much each stage takes per run and per AI call (seed 002: 20 keywords a clustering call …). */
export const ruleBatches = z
  .object({
    /** Keywords a run takes into clustering (the pool: unclustered keywords of the rule's sector or site). */
    keywords_per_run: z.number().int().min(1).max(500).default(20),
    /** Keywords per clustering call (the seed's limit is 20). */
    keywords_per_call: z.number().int().min(1).max(20).default(20),
    /** Clusters per ideas call (seed: 1). */
    clusters_per_call: z.number().int().min(1).max(5).default(1),
    /** Tasks per content job (seed: 50). */
    tasks_per_batch: z.number().int().min(1).max(50).default(50),
  })
  .strict();

/** A rule's config (automation_rules.config): what one run does. */
export const ruleConfig = z
  .object({
    /** Stages this rule runs, a contiguous part of the seven (a run may start at ideas, or stop at content). */
    stages: z
      .array(z.enum(AUTOMATION_STAGES))
      .min(1)
      .default([...AUTOMATION_STAGES])
      .refine(
        (s) => {
          const idx = s.map((x) => AUTOMATION_STAGES.indexOf(x)).sort((a, b) => a - b);
          return new Set(idx).size === idx.length && idx.every((v, i) => i === 0 || v === idx[i - 1]! + 1);
        },
        { message: 'Stages must be consecutive steps of the pipeline, each once.' },
      ),
    batches: ruleBatches.default(ruleBatches.parse({})),
    caps: ruleCaps.default(ruleCaps.parse({})),
    pick_order: z.enum(PICK_ORDERS).default('volume'),
    publish_mode: z.enum(PUBLISH_MODES).default('review'),
    publish_destination: z.enum(PUBLISH_DESTINATIONS).default('wordpress'),
    publish_window: publishWindow.default(publishWindow.parse({})),
    /** Gate: only articles whose Optimizer score is at least this are published (null: no gate). */
    min_optimizer_score: z.number().int().min(0).max(100).nullable().default(null),
    /** Image generation in the images stage: featured only, or featured and in-article. */
    images: z.enum(['featured', 'all']).default('all'),
  })
  .strict();
export type RuleConfig = z.output<typeof ruleConfig>;

/** A five-field cron expression (checked for real by croner in the worker; this only bounds it). */
export const cronExpression = z.string().trim().min(9, 'A cron expression such as 0 7 * * 1-5.').max(120);
/** An IANA zone; the worker checks it exists (Intl) and answers 400 `invalid_timezone` otherwise. */
export const timeZone = z.string().trim().min(1).max(64);

const ruleFields = {
  name: name,
  description: description,
  sector_id: id.nullable(),
  trigger: z.enum(AUTOMATION_TRIGGERS),
  schedule: cronExpression.nullable(),
  timezone: timeZone,
  event_type: z.enum(AUTOMATION_EVENTS).nullable(),
  is_active: z.boolean(),
};

/** POST /automation/rules/: schedule needs `schedule`; event needs `event_type`. */
export const createRuleBody = z
  .object({
    site_id: id,
    ...ruleFields,
    sector_id: ruleFields.sector_id.default(null),
    description: ruleFields.description.default(''),
    schedule: ruleFields.schedule.default(null),
    timezone: ruleFields.timezone.default('UTC'),
    event_type: ruleFields.event_type.default(null),
    is_active: ruleFields.is_active.default(true),
    config: ruleConfig.default(ruleConfig.parse({})),
  })
  .strict()
  .superRefine(requireTriggerFields);
export type CreateRuleBody = z.output<typeof createRuleBody>;

/** PATCH /automation/rules/{id}/: `version` required (stale: 409 `rule_changed`); config replaced whole. */
export const updateRuleBody = z
  .object({ ...ruleFields, config: ruleConfig, version: z.number().int().positive() })
  .partial()
  .required({ version: true })
  .strict();
export type UpdateRuleBody = z.output<typeof updateRuleBody>;

function requireTriggerFields(
  v: { trigger: string; schedule: string | null; event_type: string | null },
  ctx: z.RefinementCtx,
) {
  if (v.trigger === 'schedule' && !v.schedule)
    ctx.addIssue({ code: 'custom', path: ['schedule'], message: 'A scheduled rule needs a cron schedule.' });
  if (v.trigger === 'event' && !v.event_type)
    ctx.addIssue({ code: 'custom', path: ['event_type'], message: 'An event rule needs the event it starts on.' });
}
export { requireTriggerFields };

export const rulesListQuery = listQuery.extend({
  site_id: id.optional(),
  trigger: z.enum(AUTOMATION_TRIGGERS).optional(),
  is_active: z.enum(['true', 'false']).optional(),
});

/** GET /automation/schedule_preview/?cron=&tz=&count= */
export const schedulePreviewQuery = z.object({
  cron: cronExpression,
  tz: timeZone.default('UTC'),
  count: z.coerce.number().int().min(1).max(20).default(5),
});

/** POST /automation/rules/{id}/run_now/ and dry_run/ */
export const runNowBody = z.object({ dry_run: z.boolean().default(false) }).strict();

/** POST /automation/runs/{id}/approve/: the articles to let through the review gate (all held ones if omitted). */
export const approveRunBody = z.object({ content_ids: z.array(id).min(1).max(500).optional() }).strict();

export const runsListQuery = listQuery.extend({
  site_id: id.optional(),
  rule_id: z.coerce.number().int().positive().optional(),
  status: z.string().optional(),
});

export const scheduledTasksListQuery = listQuery.extend({
  site_id: id.optional(),
  rule_id: z.coerce.number().int().positive().optional(),
});
