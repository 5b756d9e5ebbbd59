import { documentClient } from '../functions/adapters/dynamodb/client';
import { DynamoDbProgramStore } from '../functions/adapters/dynamodb/dynamodb-program-store';
import { dynamoDbConfig } from '../functions/config/dynamodb-config';
import { zipDirectory } from '../functions/gazetteer/zip-table';
import type { ImportDependencies } from '../functions/use-cases/import-programs';

/** Composition root of imports; loaded only after the environment points at the stack. */
export const importDependencies: ImportDependencies = {
  store: new DynamoDbProgramStore(documentClient, dynamoDbConfig.PROGRAMS_TABLE),
  zips: zipDirectory,
};
export const dynamoDbEndpoint = dynamoDbConfig.DYNAMODB_ENDPOINT;
