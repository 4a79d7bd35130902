import { z } from 'zod';
import { BUDGET_PERIODS } from '../domain/enums';

/** Usage series: the widest range one request may read (a chart of more bars helps nobody). */
export const SERIES_MAX_DAYS = 92;
export const SERIES_MAX_MONTHS = 24;
export const SERIES_PERIODS = ['day', 'month'] as const;
export const SERIES_GROUPS = ['operation', 'site'] as const;
export type SeriesPeriod = (typeof SERIES_PERIODS)[number];
export type SeriesGroup = (typeof SERIES_GROUPS)[number];

const DAY_MS = 86_400_000;
/** `2026-12-01` or `2026-12` (a month means its first day), read as UTC. */
const utcDate = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}(-\d{2})?$/, 'A date such as 2026-12-01 (or a month, 2026-12).')
  .transform((s, ctx) => {
    const t = Date.parse(s.length === 7 ? `${s}-01T00:00:00Z` : `${s}T00:00:00Z`);
    if (Number.isNaN(t)) ctx.addIssue({ code: 'custom', message: 'Not a calendar date.' });
    return t;
  });

export const startOfUtcDay = (t: number) => Math.floor(t / DAY_MS) * DAY_MS;
export const startOfUtcMonth = (t: number) => {
  const d = new Date(t);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
};
const addMonths = (t: number, n: number) => {
  const d = new Date(t);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + n, 1);
};

/**
 * `?period=day|month&since&until&group_by=operation|site`. Both ends are whole buckets (UTC) and
 * inclusive: the default is the last 30 days or the last 12 months up to the current bucket. The
 * output adds `from`/`to` (ms, `to` exclusive) for the SQL range.
 */
export const usageSeriesQuery = z
  .object({
    period: z.enum(SERIES_PERIODS).default('day'),
    group_by: z.enum(SERIES_GROUPS).default('operation'),
    since: utcDate.optional(),
    until: utcDate.optional(),
  })
  .transform((q, ctx) => {
    const now = Date.now();
    const day = q.period === 'day';
    const floor = day ? startOfUtcDay : startOfUtcMonth;
    const until = floor(q.until ?? now);
    const since = floor(q.since ?? (day ? until - 29 * DAY_MS : addMonths(until, -11)));
    const to = day ? until + DAY_MS : addMonths(until, 1);
    const buckets = day ? Math.round((to - since) / DAY_MS) : monthsBetween(since, to);
    if (since > until) ctx.addIssue({ code: 'custom', path: ['since'], message: 'Must not be after until.' });
    const max = day ? SERIES_MAX_DAYS : SERIES_MAX_MONTHS;
    if (buckets > max) {
      ctx.addIssue({
        code: 'custom',
        path: ['since'],
        message: `At most ${max} ${day ? 'days' : 'months'} per request.`,
      });
    }
    return { period: q.period, group_by: q.group_by, from: since, to };
  });
export type UsageSeriesQuery = z.output<typeof usageSeriesQuery>;

function monthsBetween(from: number, to: number) {
  const a = new Date(from);
  const b = new Date(to);
  return (b.getUTCFullYear() - a.getUTCFullYear()) * 12 + b.getUTCMonth() - a.getUTCMonth();
}

/** A budget alert's thresholds: percentages of the limit, ascending, 1–1000, at most 5. */
export const MAX_BUDGET_THRESHOLDS = 5;
const thresholds = z
  .array(z.number().int('Whole percentages.').min(1, 'At least 1%.').max(1000, 'At most 1000%.'))
  .min(1, 'At least one threshold.')
  .max(MAX_BUDGET_THRESHOLDS, `At most ${MAX_BUDGET_THRESHOLDS} thresholds.`)
  .refine((list) => list.every((v, i) => i === 0 || v > list[i - 1]!), 'Thresholds must be ascending.');

export const budgetAlertInput = z.object({
  period: z.enum(BUDGET_PERIODS),
  limit_credits: z.number().int().min(1).max(100_000_000),
  thresholds,
  is_active: z.boolean().default(true),
});
/** PUT replaces the account's alerts: one per period (a period left out is removed). */
export const budgetAlertsBody = z.object({
  alerts: z
    .array(budgetAlertInput)
    .max(BUDGET_PERIODS.length)
    .refine((list) => new Set(list.map((a) => a.period)).size === list.length, 'One alert per period.'),
});
export type BudgetAlertsBody = z.output<typeof budgetAlertsBody>;
