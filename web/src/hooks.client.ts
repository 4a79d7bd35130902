import { z } from 'zod';

// Zod probes whether it may compile validators with `Function('')`; under the app's CSP (no
// 'unsafe-eval', worker/http/security-headers.ts) that probe is refused and the browser reports a
// CSP violation on every page. Jitless mode skips the probe; validation is the same, interpreted.
z.config({ jitless: true });
