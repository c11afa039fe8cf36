import { and, count, desc, eq, type SQL } from "drizzle-orm";
import type { Database } from "../client";
import { type AuditActorSource, type AuditLogRow, auditLog } from "../schema";

/** Every action the audit trail records. */
export const AUDIT_ACTIONS = [
  "scheduler.pause",
  "scheduler.resume",
  "scheduler.edit",
  "scheduler.run",
  "job.retry",
  "cleanup.run",
  "cleanup.dry_run",
  "queue.update",
  "user.grant_admin",
  "user.revoke_admin",
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditEntry {
  actorId: number | null;
  actorSource: AuditActorSource;
  action: AuditAction;
  targetType: string;
  targetId: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  requestId: string | null;
}

/** Filters of the audit listing; each one given narrows it. */
export interface AuditFilter {
  actorId?: number;
  action?: AuditAction;
  targetType?: string;
  targetId?: string;
}

export interface AuditPage {
  items: AuditLogRow[];
  total: number;
}

/** The audit trail of admin actions: appended to, never changed. */
export class AuditLogRepository {
  constructor(private readonly db: Database) {}

  async record(entry: AuditEntry): Promise<AuditLogRow> {
    const [row] = await this.db.insert(auditLog).values(entry).returning();
    if (!row) throw new Error("audit entry was not inserted");
    return row;
  }

  /** A page of entries, newest first (ties by id), and the total. */
  async list(filter: AuditFilter, page: number, pageSize: number): Promise<AuditPage> {
    const where = and(...conditions(filter));
    const [items, [total]] = await Promise.all([
      this.db
        .select()
        .from(auditLog)
        .where(where)
        .orderBy(desc(auditLog.createdAt), desc(auditLog.id))
        .limit(pageSize)
        .offset((page - 1) * pageSize),
      this.db.select({ value: count() }).from(auditLog).where(where),
    ]);
    return { items, total: total?.value ?? 0 };
  }
}

function conditions(filter: AuditFilter): SQL[] {
  const where: SQL[] = [];
  if (filter.actorId !== undefined) where.push(eq(auditLog.actorId, filter.actorId));
  if (filter.action !== undefined) where.push(eq(auditLog.action, filter.action));
  if (filter.targetType !== undefined) where.push(eq(auditLog.targetType, filter.targetType));
  if (filter.targetId !== undefined) where.push(eq(auditLog.targetId, filter.targetId));
  return where;
}
