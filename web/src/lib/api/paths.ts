/**
 * Every API path the web app calls, in one place. Trailing slashes as in the seed's API
 * (the worker accepts both).
 */
const AUTH = '/api/v1/auth';
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
  sectors: `${AUTH}/sectors/`,
  sector: (id: number) => `${AUTH}/sectors/${seg(id)}/`,
  sectorsFromTemplates: `${AUTH}/sectors/from_templates/`,
  users: `${AUTH}/users/`,
  user: (id: number) => `${AUTH}/users/${seg(id)}/`,
  userInviteLink: (id: number) => `${AUTH}/users/${seg(id)}/invite_link/`,
  siteAccess: `${AUTH}/site-access/`,
  siteGrant: (id: number) => `${AUTH}/site-access/${seg(id)}/`,
} as const;
