// The clinic's patient contacts: the list, each one's masked phone and consent ledger.
import { UsePipes } from '@nestjs/common';
import { Args, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Contacts } from '../../contacts/contacts.service';
import type { TenantCaller } from '../auth/api-callers';
import { ClinicKey } from '../auth/caller.decorators';
import { ContactFilter } from '../dto/contact-filter.input';
import { PageArgs } from '../dto/page.args';
import { InputValidationPipe } from '../input-validation.pipe';
import { maskPhone } from '../masked-phone';
import type { ConnectionShape } from '../models/connection.model';
import { ConsentEntry, Contact, ContactConnection } from '../models/contact.model';
import { pageComplexity } from '../query-limits.plugin';

@Resolver(() => Contact)
@UsePipes(InputValidationPipe)
export class ContactResolver {
  constructor(private readonly contactBook: Contacts) {}

  @Query(() => ContactConnection, { complexity: pageComplexity, description: 'Oldest first.' })
  contacts(
    @ClinicKey() caller: TenantCaller,
    @Args('filter', { type: () => ContactFilter, nullable: true }) filter: ContactFilter | null,
    @Args() page: PageArgs,
  ): Promise<ConnectionShape<Contact>> {
    return this.contactBook.list(caller.tenantId, filter, page);
  }

  @ResolveField(() => String, { description: 'E.164; masked (+•••••••0123) unless reveal is true.' })
  phone(@Parent() contact: Contact, @Args('reveal', { defaultValue: false }) reveal: boolean): string {
    return reveal ? contact.phone : maskPhone(contact.phone);
  }

  @ResolveField(() => [ConsentEntry], { complexity: 10, description: 'Every opt-out and opt-in, oldest first.' })
  consents(@ClinicKey() caller: TenantCaller, @Parent() contact: Contact): Promise<ConsentEntry[]> {
    return this.contactBook.consents(caller.tenantId, contact.id);
  }
}
