// `npm run wordpress`: a real WordPress on loopback for publishing from `npm run dev`. Starts it with
// ../shared/wordpress/wordpress-up.sh (installs Debian packages once when run as root), activates
// the companion SEO plugin, then connects every site of the demo account to it through the API
// (each site's WordPress integration), so "Publish to WordPress" works at once. Prints where to read
// the posts.
// Usage: node scripts/wordpress-dev.ts [base url of npm run dev]
import { startWordPress } from '../tests/setup/wordpress.ts';
import { DEMO } from './demo-logins.ts';

const base = process.argv[2] ?? 'http://127.0.0.1:8787';

async function api(method: string, path: string, token?: string, body?: unknown) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = (await res.json()) as Record<string, any>;
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${json.error ?? JSON.stringify(json)}`);
  return json;
}

const { info } = await startWordPress();
if (info.error) {
  console.error(`WordPress could not start: ${info.error}`);
  process.exit(1);
}
console.log(`\n  WordPress: ${info.url}  (user ${info.user}, application password ${info.appPassword})`);
try {
  const login = await api('POST', '/api/v1/auth/login/', undefined, {
    email: DEMO.owner.email,
    password: DEMO.owner.password,
    delivery: 'body',
  });
  const token = login.data.access as string;
  const sites = await api('GET', '/api/v1/auth/sites/?page_size=100', token);
  for (const site of sites.results as { id: number; name: string }[]) {
    // The site's WordPress integration (issue 13): creating it also gives the companion plugin the
    // webhook URL and secret (one WordPress keeps one: the last site connected gets its post events).
    const existing = await api('GET', `/api/v1/integration/integrations/?site_id=${site.id}&platform=wordpress`, token);
    if (existing.count === 0)
      await api('POST', '/api/v1/integration/integrations/', token, {
        site_id: site.id,
        platform: 'wordpress',
        url: info.url,
        username: info.user,
        app_password: info.appPassword,
      });
    else
      await api('PUT', `/api/v1/publisher/sites/${site.id}/wordpress/`, token, {
        wp_url: info.url,
        wp_username: info.user,
        wp_app_password: info.appPassword,
      });
    console.log(`  connected "${site.name}" of Demo Agency: Publish to WordPress works from its drafts`);
  }
} catch (err) {
  console.log(`  (not connected to the demo account: ${(err as Error).message}; is npm run dev running at ${base}?)`);
  console.log('  Enter the address, user and application password above in Settings → Sites → WordPress.');
}
console.log(`  Posts: ${info.url}/wp-admin/edit.php   REST: ${info.url}/wp-json/wp/v2/posts\n`);
