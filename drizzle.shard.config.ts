import { defineConfig } from 'drizzle-kit';

// Account shards: every tenant table. The same migrations apply to every shard binding.
export default defineConfig({
  dialect: 'sqlite',
  schema: './core/schema/shard.ts',
  out: './migrations/shard',
});
