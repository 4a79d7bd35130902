import { PLANNED_MODULES } from '$lib/config/navigation';

/** Paths of modules that are listed in the sidebar but not built yet (see navigation.ts). */
export function match(param: string): boolean {
  return PLANNED_MODULES.has(param);
}
