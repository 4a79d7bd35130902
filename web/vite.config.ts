import adapter from '@sveltejs/adapter-cloudflare';
import { sveltekit } from '@sveltejs/kit/vite';
import tailwindcss from '@tailwindcss/vite';
import { defineConfig } from 'vite';
import { APP_CSP_DIRECTIVES } from '../worker/http/security-headers';

// The SvelteKit config lives here (not svelte.config.js) so a later move to Kit 3 is a version bump
// (STACK.md). The adapter gets its own build-only wrangler config: see wrangler.adapter.toml.
export default defineConfig({
  plugins: [
    tailwindcss(),
    sveltekit({
      adapter: adapter({ config: 'wrangler.adapter.toml' }),
      // $api: the worker's AppType as declarations only (npm run api-types), for the typed client.
      alias: { $core: '../core', $api: '.api-types/worker/app.d.ts' },
      // Every page carries the app's CSP (shared with the worker, which adds the other hardening
      // headers); nonce mode because every page is rendered per request (ssr = false, nothing is
      // prerendered), so SvelteKit's bootstrap script and app.html's theme script get a fresh nonce.
      csp: {
        mode: 'nonce',
        directives: Object.fromEntries(Object.entries(APP_CSP_DIRECTIVES).map(([name, values]) => [name, [...values]])),
      },
    }),
  ],
  server: {
    // `vite dev` can't run Durable Objects: the API and sockets go to a running `wrangler dev`.
    proxy: {
      '/api': { target: 'http://127.0.0.1:8787', ws: true },
      '/ws': { target: 'http://127.0.0.1:8787', ws: true },
    },
  },
});
