import { fromApi } from '#lib/load.ts';
import { listRecordings } from './recordings.ts';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ fetch, parent, params, depends }) => {
  depends('hearing:recordings');
  await parent();
  const { recordings } = await fromApi(() => listRecordings(params.id, fetch), {
    notFound: 'scheduling.error.notFound',
  });
  return { recordings };
};
