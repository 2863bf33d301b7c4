/**
 * Who may reach the hub (docs/security.md): TypeBox schemas for the access and pairing routes, so
 * the hub validates and serialises with them and the dashboard's pairing panel shares the types.
 */
import { Type, type Static } from 'typebox';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);

/** coach: everything; viewer: reads, watches and replays, but changes nothing. */
export const PairingRole = Type.Enum(['coach', 'viewer']);
export type PairingRole = Static<typeof PairingRole>;

/** A paired device as the list shows it (its token is never shown again after pairing). */
export const PairingItem = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  role: PairingRole,
  /** Hub clock, ms since the epoch. */
  createdAt: Type.Number(),
  lastSeenAt: Nullable(Type.Number()),
  lastAddress: Nullable(Type.String()),
  revokedAt: Nullable(Type.Number()),
});
export type PairingItem = Static<typeof PairingItem>;

export const PairingListResponse = Type.Object({ pairings: Type.Array(PairingItem) });

export const PairingIdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });

/** Asks for a new pairing code, for a device of this role. */
export const PairingCodeRequest = Type.Object(
  {
    role: PairingRole,
    /** `sensor`: the links send the device on to the phone's sensor page once it is paired (docs/sensors.md). */
    next: Type.Optional(Type.Literal('sensor')),
  },
  { additionalProperties: false },
);

/** A short-lived, single-use pairing code, and the links and QR code that carry it. */
export const PairingCodeResponse = Type.Object({
  code: Type.String(),
  role: PairingRole,
  expiresAt: Type.Number(),
  /** /pair?code=… on each address a device on the network can reach (none when the hub listens on loopback only). */
  links: Type.Array(Type.String()),
  /** The first link as an SVG QR code (a data: URL), or null when there is no link. */
  qrCode: Nullable(Type.String()),
});
export type PairingCodeResponse = Static<typeof PairingCodeResponse>;

/** A device (or a script) claims a code and becomes paired. */
export const PairingClaimRequest = Type.Object(
  {
    code: Type.String({ minLength: 1, maxLength: 32 }),
    /** What the list calls this device, e.g. "Clinic tablet". */
    name: Type.Optional(Type.String({ maxLength: 80 })),
  },
  { additionalProperties: false },
);

/** The claim's answer: the token for a script's `Authorization: Bearer` header (a browser gets it as a cookie too). */
export const PairingClaimResponse = Type.Object({ token: Type.String(), pairing: PairingItem });

/** Who the hub thinks this client is, for the dashboard (which controls to offer). */
export const AccessResponse = Type.Object({
  /** loopback: the hub's own machine; paired: a paired device. */
  client: Type.Enum(['loopback', 'paired']),
  role: PairingRole,
  /** The paired device's name (null on loopback). */
  name: Nullable(Type.String()),
  /** Whether this client may list, revoke and create pairings (the hub's own machine only). */
  canManagePairings: Type.Boolean(),
});
export type AccessResponse = Static<typeof AccessResponse>;
