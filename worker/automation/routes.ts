/**
 * The Automation API (issue 13), mounted at `/api/v1/automation` (runs are mounted on their own,
 * before this app): rules, their history of starts, and the schedule preview the rule editor shows
 * while a cron expression is typed.
 */
import { Hono } from 'hono';
import { formatLocal, nextRuns, scheduleWords } from '../../core/automation/schedule';
import { schedulePreviewQuery } from '../../core/validation/automation';
import type { AppEnv } from '../env';
import { ok } from '../http/respond';
import { describe, query } from '../http/validate';
import { authenticate } from '../middleware/authenticate';
import { ruleRoutes } from './rules-routes';
import { assertSchedule } from './rules-service';
import { scheduledTaskRoutes } from './scheduled-tasks-routes';

export const automationRoutes = new Hono<AppEnv>()
  .get(
    '/schedule_preview',
    describe('The next times of a cron expression in a time zone, and the schedule in words', ['automation']),
    authenticate,
    query(schedulePreviewQuery),
    (c) => {
      const { cron, tz, count } = c.req.valid('query');
      assertSchedule({ schedule: cron, timezone: tz });
      const runs = nextRuns(cron, tz, Date.now(), count);
      return ok(c, {
        next_runs: runs,
        next_runs_local: runs.map((ms) => formatLocal(ms, tz)),
        words: scheduleWords(cron),
        timezone: tz,
      });
    },
  )
  .route('/rules', ruleRoutes)
  .route('/scheduled-tasks', scheduledTaskRoutes);
