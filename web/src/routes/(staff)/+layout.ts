import { redirect } from '@sveltejs/kit';
import { resolve } from '$app/paths';
import { session } from '#lib/session.svelte.ts';

// Staff pages need a staff session: asked once, when the visitor first reaches one. Signed out, the
// visitor is sent to sign in; an unreachable API is shown (with a retry) by the layout.
export async function load(): Promise<void> {
  await session.load();
  if (session.state.status === 'signed-out') redirect(307, resolve('/(public)/login'));
}
