import { Type } from 'typebox';

const Uuid = Type.String({ format: 'uuid' });
export const Role = Type.Union([Type.Literal('judge'), Type.Literal('clerk'), Type.Literal('admin')]);
export const StaffStatus = Type.Union([
  Type.Literal('active'),
  // Invited, or forced to reset: no password until the set-password link is used.
  Type.Literal('awaiting_password'),
  Type.Literal('disabled'),
]);

export const StaffMember = Type.Object({
  id: Uuid,
  email: Type.String(),
  name: Type.String(),
  role: Role,
  status: StaffStatus,
  twoFactorEnabled: Type.Boolean(),
  createdAt: Type.String({ format: 'date-time' }),
});

export const StaffResponse = Type.Object({ staff: StaffMember });
export const StaffList = Type.Object({ staff: Type.Array(StaffMember) });

export const StaffQuery = Type.Object(
  {
    role: Type.Optional(Role),
    status: Type.Optional(StaffStatus),
    /** Part of a name or email address. */
    q: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);

export const StaffParams = Type.Object({ userId: Uuid });

export const InviteBody = Type.Object(
  {
    email: Type.String({ format: 'email', minLength: 3, maxLength: 320 }),
    name: Type.String({ minLength: 1, maxLength: 200 }),
    role: Role,
  },
  { additionalProperties: false },
);

export const RoleBody = Type.Object({ role: Role }, { additionalProperties: false });

/** A set-password link, shown once: to copy, or as sent by email when `emailed`. */
export const PasswordLink = Type.Object({
  url: Type.String(),
  expiresAt: Type.String({ format: 'date-time' }),
  emailed: Type.Boolean(),
});

export const StaffWithLink = Type.Object({ staff: StaffMember, link: PasswordLink });

export const EmptyBody = Type.Object({}, { additionalProperties: false });
