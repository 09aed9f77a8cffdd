// A clinic's patient contacts, paged, with the consent ledger behind each opt-out status.
import { Inject, Injectable } from '@nestjs/common';
import type { Db } from '../../db/prisma';
import type { Prisma } from '../../generated/prisma/client';
import type { ContactFilter } from '../graphql/dto/contact-filter.input';
import type { PageArgs } from '../graphql/dto/page.args';
import type { ConnectionShape } from '../graphql/models/connection.model';
import type { ConsentEntry, Contact } from '../graphql/models/contact.model';
import { decodeCursor, toConnection } from '../graphql/pagination';
import { DB } from '../tokens';

@Injectable()
export class Contacts {
  constructor(@Inject(DB) private readonly db: Db) {}

  /** Oldest first; the cursor is the last item's (creation instant, id). */
  async list(tenantId: string, filter: ContactFilter | null | undefined, page: PageArgs): Promise<ConnectionShape<Contact>> {
    const where = contactWhere(tenantId, filter ?? {});
    const after = decodeCursor(page.after, 2);
    const afterWhere: Prisma.ContactWhereInput = after
      ? { OR: [{ createdAt: { gt: new Date(after[0]) } }, { createdAt: new Date(after[0]), id: { gt: after[1] } }] }
      : {};
    const [rows, totalCount] = await Promise.all([
      this.db.contact.findMany({ where: { AND: [where, afterWhere] }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], take: page.first + 1 }),
      this.db.contact.count({ where }),
    ]);
    return toConnection(rows, page.first, totalCount, (r) => [r.createdAt.toISOString(), r.id], (r) => r);
  }

  /** The contact's opt-outs and opt-ins, oldest first; scoped by tenant as well as by contact. */
  async consents(tenantId: string, contactId: string): Promise<ConsentEntry[]> {
    const rows = await this.db.consentChange.findMany({ where: { contactId, contact: { tenantId } }, orderBy: { at: 'asc' } });
    return rows.map((r) => ({ change: r.change as ConsentEntry['change'], source: r.source, at: r.at, detail: r.detail }));
  }
}

function contactWhere(tenantId: string, filter: ContactFilter): Prisma.ContactWhereInput {
  const search = filter.search?.trim();
  return {
    tenantId,
    ...(typeof filter.optedOut === 'boolean' ? { optedOut: filter.optedOut } : {}),
    ...(search
      ? { OR: [{ name: { contains: search, mode: 'insensitive' as const } }, { phone: { contains: search.replace(/[^\d+]/g, '') || search } }] }
      : {}),
  };
}
