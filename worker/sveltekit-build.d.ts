// The SvelteKit worker exists only after `npm run build:web`; this types the import in worker/index.ts.
declare module '*/build/sveltekit/worker.js' {
  const worker: { fetch(request: Request, env: unknown, ctx: ExecutionContext): Promise<Response> };
  export default worker;
}
