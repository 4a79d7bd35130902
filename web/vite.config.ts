import adapter from '@sveltejs/adapter-cloudflare';
import { sveltekit } from '@sveltejs/kit/vite';
import tailwindcss from '@tailwindcss/vite';
import { defineConfig } from 'vite';

// The SvelteKit config lives here (not svelte.config.js) so a later move to Kit 3 is a version bump
// (STACK.md). The adapter gets its own build-only wrangler config: see wrangler.adapter.toml.
export default defineConfig({
  plugins: [
    tailwindcss(),
    sveltekit({
      adapter: adapter({ config: 'wrangler.adapter.toml' }),
      alias: { $core: '../core' },
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
