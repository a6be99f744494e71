import { fromApi } from '#lib/load.ts';
import { scheduling } from '#lib/scheduling/client.ts';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ fetch, parent }) => {
  await parent();
  const options = await fromApi(() => scheduling.options(fetch));
  return { options };
};
