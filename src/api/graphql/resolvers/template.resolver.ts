// Message templates: store one, and preview how one reads to a patient.
import { UsePipes } from '@nestjs/common';
import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Templates } from '../../templates/templates.service';
import type { TenantCaller } from '../auth/api-callers';
import { ClinicKey } from '../auth/caller.decorators';
import { TemplateInput, TemplatePreviewInput } from '../dto/template.input';
import { InputValidationPipe } from '../input-validation.pipe';
import { Template, TemplatePreview } from '../models/template.model';

@Resolver(() => Template)
@UsePipes(InputValidationPipe)
export class TemplateResolver {
  constructor(private readonly templates: Templates) {}

  @Mutation(() => Template, { description: 'Refused (BAD_USER_INPUT naming the variable) when the body uses an unknown {{variable}}.' })
  upsertTemplate(@ClinicKey() caller: TenantCaller, @Args('input') input: TemplateInput): Promise<Template> {
    return this.templates.upsert(caller, input);
  }

  @Query(() => TemplatePreview, { description: 'Renders a stored template or a draft with sample data, as patients will read it.' })
  templatePreview(@ClinicKey() caller: TenantCaller, @Args('input') input: TemplatePreviewInput): Promise<TemplatePreview> {
    return this.templates.preview(caller.tenantId, input);
  }
}
