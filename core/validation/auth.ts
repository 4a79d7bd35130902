import { z } from 'zod';
import { ASSIGNABLE_ROLES, USER_STATUSES } from '../domain/enums';
import { id, name } from './common';

export const email = z.string().trim().toLowerCase().max(254).pipe(z.email('A valid email address.'));
export const newPassword = z
  .string()
  .min(10, 'At least 10 characters.')
  .max(256, 'At most 256 characters.')
  .refine((p) => /[A-Za-z]/.test(p) && /[^A-Za-z]/.test(p), 'Mix letters with digits or symbols.');

export const registerBody = z.object({
  email,
  password: newPassword,
  name,
  account_name: z.string().trim().min(2, 'At least 2 characters.').max(120),
});
export type RegisterBody = z.output<typeof registerBody>;

export const loginBody = z.object({
  email,
  password: z.string().min(1, 'Required.').max(256),
});
export type LoginBody = z.output<typeof loginBody>;

/** Browsers send the refresh token as an httpOnly cookie; API clients may send it here instead. */
export const refreshBody = z.object({
  refresh: z.string().min(20).max(200).optional(),
});

export const passwordChangeBody = z.object({
  current_password: z.string().min(1, 'Required.').max(256),
  new_password: newPassword,
});

export const acceptInviteBody = z.object({
  token: z.string().min(20).max(200),
  name,
  password: newPassword,
});
export type AcceptInviteBody = z.output<typeof acceptInviteBody>;

export const inviteUserBody = z.object({
  email,
  name: name.optional(),
  role: z.enum(ASSIGNABLE_ROLES),
  /** Sites to grant at once (editors and viewers see only granted sites). */
  site_ids: z.array(id).max(100).optional(),
});
export type InviteUserBody = z.output<typeof inviteUserBody>;

export const updateUserBody = z
  .object({
    name: name.optional(),
    role: z.enum(ASSIGNABLE_ROLES).optional(),
    status: z.enum(USER_STATUSES).exclude(['invited']).optional(),
  })
  .refine((v) => Object.keys(v).length > 0, 'Send at least one of name, role, status.');
export type UpdateUserBody = z.output<typeof updateUserBody>;

export const grantSiteAccessBody = z.object({ user_id: id, site_id: id });
export type GrantSiteAccessBody = z.output<typeof grantSiteAccessBody>;

export const renameAccountBody = z.object({ name: z.string().trim().min(2, 'At least 2 characters.').max(120) });
export type RenameAccountBody = z.output<typeof renameAccountBody>;

/** What a user may change about themselves (role and status are an admin's call). */
export const updateMeBody = z.object({ name });

/** Forgot password: always answered the same way, whether or not the email has an account. */
export const passwordResetRequestBody = z.object({ email });
/** An owner/admin makes a one-time reset link for a teammate (no mail configured). */
export const passwordResetLinkBody = z.object({ user_id: id });
export const passwordResetConfirmBody = z.object({
  token: z.string().min(20).max(200),
  password: newPassword,
});
