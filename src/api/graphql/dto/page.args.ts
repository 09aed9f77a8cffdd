// Which page of a list to return: `first` items after the cursor `after`.
import { ArgsType, Field, Int } from '@nestjs/graphql';
import { z } from 'zod';
import { ValidatedBy } from '../input-validation.pipe';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

const pageArgsSchema = z.looseObject({
  first: z.number().int().min(1, 'must be at least 1').max(MAX_PAGE_SIZE, `must be at most ${MAX_PAGE_SIZE}`),
  after: z.string().max(500, 'is not a cursor from this list').nullish(),
});

@ArgsType()
@ValidatedBy(pageArgsSchema)
export class PageArgs {
  @Field(() => Int, { defaultValue: DEFAULT_PAGE_SIZE, description: `Page size, 1 to ${MAX_PAGE_SIZE}.` })
  first: number = DEFAULT_PAGE_SIZE;

  @Field(() => String, { nullable: true, description: "The previous page's pageInfo.endCursor." })
  after?: string | null;
}
