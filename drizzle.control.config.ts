import { defineConfig } from 'drizzle-kit';

// Control database (accounts, users, plans, sessions, shard directory, industry templates).
export default defineConfig({
  dialect: 'sqlite',
  schema: './core/schema/control.ts',
  out: './migrations/control',
});
