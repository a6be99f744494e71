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

/**
 * A set-password link. An invitation's is shown once, to copy (and emailed when `emailed`); a reset
 * link is shown (`url`) only when no mail is configured, and otherwise goes only to the account's address.
 */
export const PasswordLink = Type.Object({
  url: Type.Union([Type.String(), Type.Null()]),
  expiresAt: Type.String({ format: 'date-time' }),
  emailed: Type.Boolean(),
});

export const StaffWithLink = Type.Object({ staff: StaffMember, link: PasswordLink });

export const EmptyBody = Type.Object({}, { additionalProperties: false });

const Person = Type.Object({ id: Uuid, name: Type.String() });

/** A request to remove a staff member's second factor. */
export const TwoFactorReset = Type.Object({
  id: Uuid,
  user: Type.Object({ id: Uuid, name: Type.String(), email: Type.String(), role: Role }),
  requestedBy: Person,
  requestedAt: Type.String({ format: 'date-time' }),
  /** approval: waits for another admin; delay: takes effect at takesEffectAt unless cancelled. */
  mode: Type.Union([Type.Literal('approval'), Type.Literal('delay')]),
  takesEffectAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  status: Type.Union([Type.Literal('pending'), Type.Literal('done'), Type.Literal('cancelled')]),
  approvedBy: Type.Union([Person, Type.Null()]),
  cancelledBy: Type.Union([Person, Type.Null()]),
});
export const TwoFactorResetResponse = Type.Object({ reset: TwoFactorReset });
export const TwoFactorResetList = Type.Object({ resets: Type.Array(TwoFactorReset) });
export const StaffWithReset = Type.Object({ staff: StaffMember, reset: Type.Union([TwoFactorReset, Type.Null()]) });
export const ResetParams = Type.Object({ resetId: Uuid });
