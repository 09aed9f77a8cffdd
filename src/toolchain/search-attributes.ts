// Registers ARO's custom search attributes (docs/contracts.md, "Temporal") on the servers we start, in each one's own terms.
import type { Connection } from '@temporalio/client';
import type { SearchAttributeType } from '@temporalio/common';
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes';
import { searchAttributes } from '../workflows/contracts';

// The spelling `temporal ... --search-attribute NAME=TYPE` and `search-attribute create --type` accept.
const CLI_TYPE_NAMES: Record<SearchAttributeType, string> = {
  TEXT: 'Text',
  KEYWORD: 'Keyword',
  INT: 'Int',
  DOUBLE: 'Double',
  BOOL: 'Bool',
  DATETIME: 'Datetime',
  KEYWORD_LIST: 'KeywordList',
};

/** `--search-attribute NAME=TYPE` arguments for `temporal server start-dev`. */
export function searchAttributeCliArgs(): string[] {
  return Object.values(searchAttributes).flatMap((key) => ['--search-attribute', `${key.name}=${CLI_TYPE_NAMES[key.type]}`]);
}

/**
 * Registers the attributes through the OperatorService. Servers reject a workflow's upsert of an
 * unregistered attribute ("search attribute X is not defined"), and the time-skipping test server
 * starts with none, unlike the dev server, which takes them as start-up flags.
 */
export async function registerSearchAttributes(connection: Pick<Connection, 'operatorService'>, namespace: string): Promise<void> {
  const wanted = Object.fromEntries(
    Object.values(searchAttributes).map((key) => [key.name, encodeSearchAttributeIndexedValueType(key.type)!]),
  );
  await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: wanted });
}
