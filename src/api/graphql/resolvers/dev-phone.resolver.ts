// Dev mode's patient phone: the phones ARO has written to, and the patient's reply played from one.
import { UsePipes } from '@nestjs/common';
import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { DevPhones } from '../../dev/dev-phones.service';
import type { TenantCaller } from '../auth/api-callers';
import { ClinicKey } from '../auth/caller.decorators';
import { InputValidationPipe } from '../input-validation.pipe';
import { DevPhone } from '../models/dev-phone.model';

@Resolver(() => DevPhone)
@UsePipes(InputValidationPipe)
export class DevPhoneResolver {
  constructor(private readonly phones: DevPhones) {}

  @Query(() => [DevPhone], {
    description:
      'Dev mode only (ARO_DEV_MODE=1; FORBIDDEN otherwise): the phones ARO has written to for this clinic, the most recently active first, ' +
      'each with its conversation as the patient sees it (oldest first; messages the provider never took are left out).',
  })
  devPhones(@ClinicKey() caller: TenantCaller): Promise<DevPhone[]> {
    return this.phones.list(caller);
  }

  @Mutation(() => Boolean, {
    description:
      "Dev mode only (ARO_DEV_MODE=1): plays the patient's SMS reply from this phone, as POST /dev/inbound does. " +
      'True when it reached an appointment; false when the phone has none open (the reply is then only in the audit log).',
  })
  devPatientReply(
    @ClinicKey() caller: TenantCaller,
    @Args('phone', { type: () => String }) phone: string,
    @Args('body', { type: () => String }) body: string,
  ): Promise<boolean> {
    return this.phones.reply(caller, phone, body);
  }
}
