// Fixture for the foundation benchmark: an account with three sites and fifteen sectors,
// created through the API like a user would.
import { api } from '../lib.mjs';

export async function setupFoundation(base) {
  const reg = await api(base, 'POST', '/api/v1/auth/register/', {
    body: { email: `bench-${Date.now()}@example.test`, password: 'bench-password-1', name: 'Bench', account_name: 'Bench Co', delivery: 'body' },
  });
  const token = reg.access;
  const industries = await api(base, 'GET', '/api/v1/auth/industries/');
  let sectorCount = 0;
  for (let i = 0; i < 3; i++) {
    const site = await api(base, 'POST', '/api/v1/auth/sites/', { token, body: { name: `Bench site ${i + 1}` } });
    const ids = industries[i].sectors.slice(0, 5).map((s) => s.id);
    sectorCount += (await api(base, 'POST', '/api/v1/auth/sectors/from_templates/', { token, body: { site_id: site.id, industry_sector_ids: ids } })).length;
  }
  return { token, sectorCount };
}
