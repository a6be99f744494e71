import { accountApi } from '#lib/admin/client.ts';
import { fromApi } from '#lib/load.ts';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ fetch, parent, depends }) => {
  depends('account:data');
  await parent();
  const [account, sessions] = await fromApi(() => Promise.all([accountApi.get(fetch), accountApi.sessions(fetch)]));
  return { twoFactor: account.twoFactor, sessions };
};
