import { fromApi } from '#lib/load.ts';
import { loadTrail, type AuditFilter } from './audit.ts';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ fetch, parent, params, url }) => {
  await parent();
  // The filters from the page's address (?action=&actor=); none is the whole trail.
  const filter: AuditFilter = {
    action: url.searchParams.get('action') ?? '',
    actor: url.searchParams.get('actor') ?? '',
  };
  const trail = await fromApi(() => loadTrail(params.id, filter, 0, fetch), {
    notFound: 'scheduling.error.notFound',
  });
  return { filter, trail };
};
