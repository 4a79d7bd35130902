import { integration } from '$lib/integration/api';
import { publisher } from '$lib/components/site-builder/site-api';

/**
 * Where an article of this site can go now: a WordPress connection with its address and password set
 * (worker/integration), and an IGNY8 site with a deploy that went live (worker/publisher). The publish
 * panel disables what isn't there and says how to connect it. A lookup that fails counts as
 * connected: the server still refuses a publish with its own reason, so nothing is hidden wrongly.
 */
export interface Destinations {
  wordpress: boolean;
  igny8: boolean;
}

export async function loadDestinations(siteId: number): Promise<Destinations> {
  const [wordpress, igny8] = await Promise.all([
    integration.list(siteId).then(
      (page) => page.results.some((i) => i.platform === 'wordpress' && i.is_active && !!i.url && i.password_set),
      () => true,
    ),
    publisher.deployments(siteId).then(
      (page) => page.results.some((d) => d.status === 'deployed'),
      () => true,
    ),
  ]);
  return { wordpress, igny8 };
}
