/** Password reset for someone with access to the data folder (the CLI, or the admin API with its token). */
import type { Store } from '../store/store.ts';
import { endUserSessions } from './sessions.ts';
import { publicUser, resetPassword, type PublicUser } from './users.ts';

export interface PasswordReset {
  user: PublicUser;
  password: string;
  /** Sessions that were signed out, since whoever held the old password may hold them too. */
  sessionsEnded: number;
}

export async function resetPasswordAndSignOut(store: Store, email: string, password?: string): Promise<PasswordReset> {
  const { user, password: next } = await resetPassword(store, email, password);
  const sessionsEnded = await endUserSessions(store, user.id);
  return { user: publicUser(user), password: next, sessionsEnded };
}
