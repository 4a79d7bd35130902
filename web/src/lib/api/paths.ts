/**
 * Every API path the web app calls, in one place. Trailing slashes as in the seed's API
 * (the worker accepts both).
 */
const AUTH = '/api/v1/auth';
const PLANNER = '/api/v1/planner';
const SYSTEM = '/api/v1/system';
const BILLING = '/api/v1/billing';
const WRITER = '/api/v1/writer';
const PUBLISHER = '/api/v1/publisher';
const seg = (value: string | number) => encodeURIComponent(String(value));

export const API = {
  health: '/api/health',
  register: `${AUTH}/register/`,
  login: `${AUTH}/login/`,
  logout: `${AUTH}/logout/`,
  refresh: `${AUTH}/token/refresh/`,
  passwordChange: `${AUTH}/password/change/`,
  me: `${AUTH}/me/`,
  invite: (token: string) => `${AUTH}/invite/${seg(token)}/`,
  inviteAccept: (token: string) => `${AUTH}/invite/${seg(token)}/accept/`,
  account: `${AUTH}/account/`,
  industries: `${AUTH}/industries/`,
  plans: `${AUTH}/plans/`,
  sites: `${AUTH}/sites/`,
  site: (id: number) => `${AUTH}/sites/${seg(id)}/`,
  sitesBulkDelete: `${AUTH}/sites/bulk_delete/`,
  sectors: `${AUTH}/sectors/`,
  sector: (id: number) => `${AUTH}/sectors/${seg(id)}/`,
  sectorsBulkDelete: `${AUTH}/sectors/bulk_delete/`,
  sectorsFromTemplates: `${AUTH}/sectors/from_templates/`,
  users: `${AUTH}/users/`,
  user: (id: number) => `${AUTH}/users/${seg(id)}/`,
  userInviteLink: (id: number) => `${AUTH}/users/${seg(id)}/invite_link/`,
  siteAccess: `${AUTH}/site-access/`,
  siteGrant: (id: number) => `${AUTH}/site-access/${seg(id)}/`,

  keywords: `${PLANNER}/keywords/`,
  keyword: (id: number) => `${PLANNER}/keywords/${seg(id)}/`,
  keywordsImport: `${PLANNER}/keywords/import/`,
  keywordsExport: `${PLANNER}/keywords/export/`,
  keywordsBulkDelete: `${PLANNER}/keywords/bulk_delete/`,
  keywordsBulkStatus: `${PLANNER}/keywords/bulk_update_status/`,
  keywordsAutoCluster: `${PLANNER}/keywords/auto_cluster/`,
  clusters: `${PLANNER}/clusters/`,
  cluster: (id: number) => `${PLANNER}/clusters/${seg(id)}/`,
  clustersBulkDelete: `${PLANNER}/clusters/bulk_delete/`,
  clusterAddKeywords: (id: number) => `${PLANNER}/clusters/${seg(id)}/add_keywords/`,
  clusterRemoveKeywords: (id: number) => `${PLANNER}/clusters/${seg(id)}/remove_keywords/`,
  clustersGenerateIdeas: `${PLANNER}/clusters/auto_generate_ideas/`,
  ideas: `${PLANNER}/ideas/`,
  idea: (id: number) => `${PLANNER}/ideas/${seg(id)}/`,
  ideasBulkDelete: `${PLANNER}/ideas/bulk_delete/`,
  ideasCreateTasks: `${PLANNER}/ideas/create_tasks/`,

  tasks: `${WRITER}/tasks/`,
  task: (id: number) => `${WRITER}/tasks/${seg(id)}/`,
  tasksBulkDelete: `${WRITER}/tasks/bulk_delete/`,
  tasksGenerateContent: `${WRITER}/tasks/auto_generate_content/`,
  images: `${WRITER}/images/`,
  image: (id: number) => `${WRITER}/images/${seg(id)}/`,
  imagesBulkDelete: `${WRITER}/images/bulk_delete/`,
  imagesGeneratePrompts: `${WRITER}/images/generate_prompts/`,
  imagesGenerate: `${WRITER}/images/generate/`,
  imageRegenerate: (id: number) => `${WRITER}/images/${seg(id)}/regenerate/`,
  contents: `${WRITER}/content/`,
  content: (id: number) => `${WRITER}/content/${seg(id)}/`,
  contentStatus: (id: number) => `${WRITER}/content/${seg(id)}/status/`,
  contentVersions: (id: number) => `${WRITER}/content/${seg(id)}/versions/`,
  contentVersionRestore: (id: number, versionId: string) =>
    `${WRITER}/content/${seg(id)}/versions/${seg(versionId)}/restore/`,

  contentDraftHtml: (id: number) => `${WRITER}/content/${seg(id)}/draft/`,
  wordpressSettings: (siteId: number) => `${PUBLISHER}/sites/${seg(siteId)}/wordpress/`,
  wordpressTest: (siteId: number) => `${PUBLISHER}/sites/${seg(siteId)}/wordpress/test/`,
  contentPublish: (id: number) => `${PUBLISHER}/content/${seg(id)}/publish/`,
  publishingRecords: `${PUBLISHER}/records/`,

  jobs: `${SYSTEM}/jobs/`,
  jobCancel: (id: string) => `${SYSTEM}/jobs/${seg(id)}/cancel/`,
  jobRetry: (id: string) => `${SYSTEM}/jobs/${seg(id)}/retry/`,
  taskProgress: (id: string) => `${SYSTEM}/settings/task_progress/${seg(id)}/`,
  integration: (type: 'openai' | 'runware') => `${SYSTEM}/settings/integrations/${type}/`,
  integrationTest: (type: 'openai' | 'runware') => `${SYSTEM}/settings/integrations/${type}/test/`,
  prompts: `${SYSTEM}/prompts/`,
  prompt: (type: string) => `${SYSTEM}/prompts/${seg(type)}/`,
  promptReset: (type: string) => `${SYSTEM}/prompts/${seg(type)}/reset/`,

  balance: `${BILLING}/balance/`,
  transactions: `${BILLING}/transactions/`,
  usage: `${BILLING}/usage/`,
  usageSummary: `${BILLING}/usage/summary/`,
} as const;

/** The site's live channel (job progress, data changes, presence): same origin, ws(s) scheme, a site_socket ticket. */
export function siteSocketUrl(origin: string, siteId: number, ticket: string): string {
  return `${origin.replace(/^http/, 'ws')}/ws/sites/${seg(siteId)}?ticket=${encodeURIComponent(ticket)}`;
}
