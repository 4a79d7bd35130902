// The demo account's people: seeded by seed-demo.mjs, used by wordpress-dev.ts to connect its sites.
export const DEMO = {
  owner: { email: 'owner@demo.igny8.test', password: 'DemoOwner-2026', name: 'Olivia Owner' },
  editor: { email: 'editor@demo.igny8.test', password: 'DemoEditor-2026', name: 'Eddie Editor' },
  viewer: { email: 'viewer@demo.igny8.test', password: 'DemoViewer-2026', name: 'Vera Viewer' },
};

/** IGNY8's own staff: a developer (the /admin console) in its own account "IGNY8 staff", not in Demo Agency. */
export const STAFF = {
  developer: { email: 'developer@demo.igny8.test', password: 'DemoDeveloper-2026', name: 'Dev Developer' },
};
