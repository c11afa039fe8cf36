import type { AuditLogRow } from "@learning-hub/db";
import { type AuditAction, AuditLogRepository } from "@learning-hub/db/repositories/audit-log";
import type { ServiceDependencies } from "../dependencies";
import type { AuditEntry, AuditPage } from "../schemas/admin";
import { toTimestamp } from "../schemas/common";

/** Who asks for an admin action: the admin's user id and the request it came with. */
export interface AdminActor {
  userId: number;
  requestId: string;
}

export interface AuditRecord {
  action: AuditAction;
  targetType: string;
  targetId: string;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
}

/** The audit trail of admin actions: written once per action, listed newest first. */
export class AuditService {
  constructor(private readonly repository: AuditLogRepository) {}

  async record(actor: AdminActor, entry: AuditRecord): Promise<void> {
    await this.repository.record({
      actorId: actor.userId,
      actorSource: "api",
      action: entry.action,
      targetType: entry.targetType,
      targetId: entry.targetId,
      before: entry.before ?? null,
      after: entry.after ?? null,
      requestId: actor.requestId,
    });
  }

  async list(page: number, pageSize: number): Promise<AuditPage> {
    const { items, total } = await this.repository.list({}, page, pageSize);
    return {
      items: items.map(toAuditEntry),
      total,
      page,
      page_size: pageSize,
      total_pages: Math.ceil(total / pageSize),
    };
  }
}

function toAuditEntry(row: AuditLogRow): AuditEntry {
  return {
    id: row.id,
    actor_id: row.actorId,
    actor_source: row.actorSource,
    action: row.action,
    target_type: row.targetType,
    target_id: row.targetId,
    before: row.before,
    after: row.after,
    request_id: row.requestId,
    created_at: toTimestamp(row.createdAt),
  };
}

export const createAuditService = (deps: ServiceDependencies): AuditService =>
  new AuditService(new AuditLogRepository(deps.database.db));
