import { adminApi } from '#lib/admin/client.ts';
import { fromApi } from '#lib/load.ts';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ fetch, parent, depends }) => {
  depends('admin:courtrooms');
  await parent();
  return { rooms: await fromApi(() => adminApi.courtrooms(fetch)) };
};
