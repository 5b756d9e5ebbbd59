import { importPrograms } from '../functions/use-cases/import-programs';
import { awaitSearchable } from './await-searchable';

async function* noRows() {}

/**
 * Takes every published program of a source out of search (archived, a versioned write the
 * stream indexer turns into a tombstone; the records stay in DynamoDB): a prune against an empty
 * file. Returns how many were archived, once they are gone from search.
 */
export async function retireSource(source: string): Promise<number> {
  const { importDependencies, dynamoDbEndpoint } = await import('./import-dependencies');
  const summary = await importPrograms(noRows(), importDependencies, { defaultSource: source, prune: true });
  if (summary.archived > 0) await awaitSearchable(dynamoDbEndpoint);
  return summary.archived;
}
