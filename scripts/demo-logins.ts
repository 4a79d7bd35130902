// The demo account's people: seeded by seed-demo.mjs, used by wordpress-dev.ts to connect its sites.
export const DEMO = {
  owner: { email: 'owner@demo.igny8.test', password: 'DemoOwner-2026', name: 'Olivia Owner' },
  editor: { email: 'editor@demo.igny8.test', password: 'DemoEditor-2026', name: 'Eddie Editor' },
  viewer: { email: 'viewer@demo.igny8.test', password: 'DemoViewer-2026', name: 'Vera Viewer' },
};
