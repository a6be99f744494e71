import { adminApi, type StaffFilters, type StaffStatus } from '#lib/admin/client.ts';
import type { StaffRole } from '#lib/auth.ts';
import { fromApi } from '#lib/load.ts';
import type { PageLoad } from './$types';

const ROLES: readonly string[] = ['judge', 'clerk', 'admin'] satisfies StaffRole[];
const STATUSES: readonly string[] = ['active', 'awaiting_password', 'disabled'] satisfies StaffStatus[];

/** The list's filters from the page's address (?role=&status=&q=); anything unknown is no filter. */
function filtersOf(url: URL): StaffFilters {
  const role = url.searchParams.get('role') ?? '';
  const status = url.searchParams.get('status') ?? '';
  return {
    role: ROLES.includes(role) ? (role as StaffRole) : '',
    status: STATUSES.includes(status) ? (status as StaffStatus) : '',
    q: url.searchParams.get('q') ?? '',
  };
}

export const load: PageLoad = async ({ fetch, parent, url, depends }) => {
  depends('admin:staff');
  await parent();
  const filters = filtersOf(url);
  const [staff, resets] = await fromApi(() =>
    Promise.all([adminApi.staff(filters, fetch), adminApi.twoFactorResets(fetch)]),
  );
  return { filters, staff, resets };
};
