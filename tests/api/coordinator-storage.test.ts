import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { SCHEMA_VERSION, SqlJobStore } from '../../durable-objects/site-coordinator/engine/job-store';

describe('SiteCoordinator storage format', () => {
  it('migrates a v1 jobs table (save_attempts) to the current schema without losing rows', async () => {
    const stub = env.SITE_COORDINATOR.get(env.SITE_COORDINATOR.idFromName('migration-test'));
    await runInDurableObject(stub, async (_instance, state) => {
      const sql = state.storage.sql;
      // The v1 table: today's, with the column under its old name.
      const ddl = sql
        .exec<{ sql: string }>(`SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'jobs'`)
        .one()
        .sql.replace('step_attempts', 'save_attempts');
      sql.exec('DROP TABLE jobs');
      sql.exec(ddl);
      sql.exec(`UPDATE meta SET value = '1' WHERE key = 'schema_version'`);
      const columns = sql.exec<{ name: string; type: string }>('PRAGMA table_info(jobs)').toArray();
      const values = columns.map((c) =>
        c.name === 'id' ? 'old-job' : c.name === 'save_attempts' ? 3 : c.type === 'TEXT' ? '' : 0,
      );
      sql.exec(
        `INSERT INTO jobs (${columns.map((c) => c.name).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
        ...values,
      );
      new SqlJobStore(sql);
      const row = sql.exec<{ id: string; step_attempts: number }>('SELECT id, step_attempts FROM jobs').toArray()[0];
      expect(row).toEqual({ id: 'old-job', step_attempts: 3 });
      expect(sql.exec<{ value: string }>(`SELECT value FROM meta WHERE key = 'schema_version'`).one().value).toBe(
        String(SCHEMA_VERSION),
      );
    });
  });
});
