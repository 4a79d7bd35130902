import { describe, expect, it } from 'vitest';
import { withQuery, withTrailingSlash } from './client';

describe('the typed client’s requests', () => {
  it('keep the seed’s trailing slash that hc leaves off, before any query string', () => {
    expect(withTrailingSlash('/api/v1/writer/tasks')).toBe('/api/v1/writer/tasks/');
    expect(withTrailingSlash('/api/v1/writer/tasks?search=tomato&page=1')).toBe(
      '/api/v1/writer/tasks/?search=tomato&page=1',
    );
    expect(withTrailingSlash('/api/v1/auth/me/')).toBe('/api/v1/auth/me/');
    expect(withTrailingSlash('/api/v1/planner/keywords/12')).toBe('/api/v1/planner/keywords/12/');
  });

  it('leave empty filters out of the query string, as the tables send them', () => {
    expect(withQuery('/api/v1/writer/tasks/', { search: '', status: null, cluster_id: undefined, page: 2 })).toBe(
      '/api/v1/writer/tasks/?page=2',
    );
  });
});
