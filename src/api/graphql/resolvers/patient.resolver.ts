// An appointment's patient: the phone masked unless the caller asks to see it.
import { Args, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { maskPhone } from '../masked-phone';
import { Patient } from '../models/appointment.model';

@Resolver(() => Patient)
export class PatientResolver {
  @ResolveField(() => String, { description: 'E.164; masked (+•••••••0123) unless reveal is true.' })
  phone(@Parent() patient: Patient, @Args('reveal', { defaultValue: false }) reveal: boolean): string {
    return reveal ? patient.phone : maskPhone(patient.phone);
  }
}
