// Which page of a list to return: `first` items after the cursor `after`.
import { ArgsType, Field, Int } from '@nestjs/graphql';
import { IsOptional, Max, MaxLength, Min } from 'class-validator';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

@ArgsType()
export class PageArgs {
  @Field(() => Int, { defaultValue: DEFAULT_PAGE_SIZE, description: `Page size, 1 to ${MAX_PAGE_SIZE}.` })
  @Min(1, { message: 'must be at least 1' })
  @Max(MAX_PAGE_SIZE, { message: `must be at most ${MAX_PAGE_SIZE}` })
  first: number = DEFAULT_PAGE_SIZE;

  @Field(() => String, { nullable: true, description: "The previous page's pageInfo.endCursor." })
  @IsOptional()
  @MaxLength(500, { message: 'is not a cursor from this list' })
  after?: string | null;
}
