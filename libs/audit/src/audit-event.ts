/** Who did it: a user (by tenant and object id, never by email) or the system itself. */
export type AuditActor =
  | {
      readonly type: 'user';
      readonly tenantId: string;
      readonly objectId: string;
      readonly displayName: string | undefined;
    }
  | { readonly type: 'system' };

/** What a service records, inside the transaction of the change it describes. */
export interface AuditEventInput {
  readonly actor: AuditActor;
  /** Stable dotted name, e.g. `user.role_granted`. */
  readonly action: string;
  readonly resource: { readonly type: string; readonly id?: string };
  readonly outcome: 'succeeded' | 'denied';
  /** Snapshots of the resource; configured fields are redacted before storing and hashing. */
  readonly before?: Record<string, unknown>;
  readonly after?: Record<string, unknown>;
}

/**
 * Every hashed field of a stored event, in the shape the hash covers (ISO time, nulls explicit),
 * except `traceId`, which is omitted when there is none: events recorded before trace ids existed
 * (or with tracing off) then hash exactly as they always did (docs/audit.md, "Trace ids").
 */
export interface AuditEventBody {
  readonly id: string;
  readonly occurredAt: string;
  readonly actor: {
    readonly type: 'user' | 'system';
    readonly tenantId: string | null;
    readonly objectId: string | null;
    readonly displayName: string | null;
  };
  readonly action: string;
  readonly resource: { readonly type: string; readonly id: string | null };
  readonly outcome: 'succeeded' | 'denied';
  readonly before: Record<string, unknown> | null;
  readonly after: Record<string, unknown> | null;
  readonly requestId: string | null;
  readonly clientIp: string | null;
  readonly userAgent: string | null;
  /** W3C trace id (32 lowercase hex digits) of the span the event was recorded in. */
  readonly traceId?: string;
}
