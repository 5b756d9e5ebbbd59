import { importPrograms } from '../functions/use-cases/import-programs';
import { awaitSearchable } from './await-searchable';
import { importDependencies } from './import-dependencies';

async function* noRows() {}

/**
 * Takes every published program of a source out of search (archived, a versioned write the
 * stream indexer turns into a tombstone; the records stay in DynamoDB): a prune against an empty
 * file. Returns how many were archived, once they are gone from search.
 */
export async function retireSource(source: string): Promise<number> {
  const { dynamoDbEndpoint, ...dependencies } = importDependencies();
  const summary = await importPrograms(noRows(), dependencies, { defaultSource: source, prune: true });
  if (summary.archived > 0) await awaitSearchable(dynamoDbEndpoint);
  return summary.archived;
}
