// The compiled themes exist only after worker/site-renderer/compile-themes.ts ran (wrangler's [build]
// command, the vitest global setups); this lets tsc check worker/site-renderer/themes.ts without them.
declare module '*/build/site-themes/index.js' {
  export const siteThemes: unknown;
}
