import { fromApi } from '#lib/load.ts';
import { scheduling } from '#lib/scheduling/client.ts';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ fetch, parent, params, depends }) => {
  depends('hearing:detail');
  await parent();
  const { hearing, participants, may } = await fromApi(() => scheduling.hearing(params.id, fetch), {
    notFound: 'scheduling.error.notFound',
  });
  return { hearing, participants, may };
};
