import type { Tenant } from './db/tenant';
import type { Role } from '../core/domain/enums';

/** The bindings declared in wrangler.toml, plus the secrets from .dev.vars / `wrangler secret`. */
export interface Env {
  DB_CONTROL: D1Database;
  DB_SHARD_0: D1Database;
  DB_SHARD_1: D1Database;
  DB_SHARD_2: D1Database;
  DB_SHARD_3: D1Database;
  /** Typed by each object's protocol (the client.ts beside each object), never by its class. */
  SITE_COORDINATOR: DurableObjectNamespace;
  DRAFT_ROOM: DurableObjectNamespace;
  AI_BUDGET: DurableObjectNamespace;
  MEDIA: R2Bucket;
  EVENTS: Queue<unknown>;
  ASSETS?: Fetcher;

  /** "production" in wrangler.toml; "development" only from .dev.vars (worker/config-guard.ts). */
  APP_ENV: string;
  JWT_ISSUER: string;
  JWT_AUDIENCE: string;
  ALLOWED_ORIGINS: string;
  ALLOW_LOOPBACK_URLS: string;
  SHARD_COUNT: string;
  /**
   * The app's own hostname (e.g. "app.igny8.com"). Requests for any other host are looked up as a
   * deployed site's custom hostname (worker/site-serving); empty: no custom hostnames are served.
   */
  APP_HOSTNAME?: string;

  /** HS256 key for access tokens, at least 32 bytes. */
  JWT_SECRET: string;
  /** 32 bytes, base64: AES-GCM key for secrets at rest (API keys, WordPress passwords). */
  ENCRYPTION_KEY: string;
  /**
   * Id of ENCRYPTION_KEY in sealed secrets (default "k1"); ENCRYPTION_KEYS_OLD "id:base64,…" only
   * decrypt (key rotation).
   */
  ENCRYPTION_KEY_ID?: string;
  ENCRYPTION_KEYS_OLD?: string;
  /**
   * Accounts on the platform's AI (no key of their own): allowed models (comma-separated, first =
   * default) and caps.
   */
  PLATFORM_AI_MODELS?: string;
  PLATFORM_AI_MAX_CONCURRENCY?: string;
  PLATFORM_AI_REQUESTS_PER_MINUTE?: string;
  /** The worker's own OpenAI key: the fallback for accounts without one of their own. */
  OPENAI_API_KEY?: string;
  OPENAI_BASE_URL?: string;
  /** The project's OpenAI-compatible dev model server (dev-model/); unset in production. */
  DEV_MODEL_URL?: string;
  /** Per-attempt timeout of one AI call in ms (default 60 s). */
  AI_CALL_TIMEOUT_MS?: string;
  /** "true" only for the browser/live test server: enables test-only hooks (e.g. restarting a DO). */
  TEST_ROUTES?: string;
  /**
   * Test servers only: sign-ups allowed per client per hour instead of 20 (the browser suite signs
   * up ~30 accounts from one address). Refused in production by the config guard.
   */
  SIGNUP_LIMIT_PER_HOUR?: string;
  /** "true" only under `npm run bench`: mounts the benchmark baselines (worker/bench). */
  BENCH_ROUTES?: string;
  /** Base of the full-jitter retry backoff in ms (default 500; tests use less). */
  AI_RETRY_BASE_MS?: string;
}

/** Hono's environment for every route: bindings plus what the middleware chain sets. */
export type AppEnv = {
  Bindings: Env;
  Variables: {
    requestId: string;
    session: SessionClaims;
    tenant: Tenant;
  };
};

/** What an access token asserts. The user row is still loaded per request (role changes apply at once). */
export interface SessionClaims {
  userId: number;
  accountId: number;
  role: Role;
  /**
   * `users.token_version` when the token was issued (claim `tv`): tenantContext refuses the token
   * once the user's version has moved on (password or role change, disabled).
   */
  tokenVersion: number;
}
