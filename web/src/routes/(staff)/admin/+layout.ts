import { error } from '@sveltejs/kit';
import { session } from '#lib/session.svelte.ts';
import type { LayoutLoad } from './$types';

// The court's administration is for its administrators: anyone else gets the refusal, and the pages
// below never ask the API for what it would refuse them.
export const load: LayoutLoad = async ({ parent }) => {
  await parent();
  // No user here means the API could not be reached: the pages' own loads say so, with a retry.
  if (session.user && session.user.role !== 'admin') {
    error(403, { message: 'Administrators only', title: 'admin.forbidden.title', body: 'admin.forbidden.body' });
  }
};
