import { accountApi, adminApi } from '#lib/admin/client.ts';
import { fromApi } from '#lib/load.ts';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ fetch, parent }) => {
  await parent();
  const [court, account] = await fromApi(() => Promise.all([adminApi.court(fetch), accountApi.get(fetch)]));
  return { court, ownTwoFactor: account.twoFactor.enabled };
};
