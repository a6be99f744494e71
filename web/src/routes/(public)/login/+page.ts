import { redirect } from '@sveltejs/kit';
import { resolve } from '$app/paths';
import { session } from '#lib/session.svelte.ts';

// Already signed in: the sign-in page has nothing to do, so the docket instead.
export async function load(): Promise<void> {
  await session.load();
  if (session.state.status === 'signed-in') redirect(307, resolve('/(staff)'));
}
