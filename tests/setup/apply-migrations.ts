import { applyD1Migrations, type D1Migration } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { SHARD_BINDINGS } from '../../worker/db/shards';

type MigrationEnv = { CONTROL_MIGRATIONS: D1Migration[]; SHARD_MIGRATIONS: D1Migration[] };
const testEnv = env as unknown as Cloudflare.Env & MigrationEnv & Record<string, D1Database>;

// Applied before every test file (storage is per file); applyD1Migrations skips what is applied.
await applyD1Migrations(testEnv.DB_CONTROL!, testEnv.CONTROL_MIGRATIONS);
for (const shard of SHARD_BINDINGS) await applyD1Migrations(testEnv[shard]!, testEnv.SHARD_MIGRATIONS);
