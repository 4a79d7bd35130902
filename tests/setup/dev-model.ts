import type { TestProject } from 'vitest/node';
import { startDevModelServer } from '../../dev-model/server.ts';

/**
 * Starts the project's dev model server (real HTTP on loopback) for the workerd tests; its URL
 * reaches the Worker as DEV_MODEL_URL. Tests script faults per API key (POST /__dev/faults).
 */
export default async function setup(project: TestProject) {
  const server = await startDevModelServer({ port: 0, host: '127.0.0.1', latencyMs: 5, timeoutHoldMs: 20_000 });
  project.provide('devModelUrl', server.url);
  return () => server.close();
}

declare module 'vitest' {
  export interface ProvidedContext {
    devModelUrl: string;
  }
}
