import { DynamoDbProgramStore } from '../functions/adapters/dynamodb/dynamodb-program-store';
import { zipDirectory } from '../functions/gazetteer/zip-table';
import type { ImportDependencies } from '../functions/use-cases/import-programs';
import { stackClients } from '../cli/stack-clients';

/** Composition root of imports on the stack this process works on (cli/stack-clients.ts). */
export function importDependencies(): ImportDependencies & { readonly dynamoDbEndpoint: string | undefined } {
  const { documentClient, dynamoDbConfig } = stackClients();
  return {
    store: new DynamoDbProgramStore(documentClient, dynamoDbConfig.PROGRAMS_TABLE),
    zips: zipDirectory,
    // Locally, the change-capture proxy: the importer waits there until the index has caught up.
    dynamoDbEndpoint: dynamoDbConfig.DYNAMODB_ENDPOINT,
  };
}
