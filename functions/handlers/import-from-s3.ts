import middy from '@middy/core';
import { DynamoDbProgramStore } from '../adapters/dynamodb/dynamodb-program-store';
import { createGeocoder } from '../adapters/geocoding/create-geocoder';
import { createS3Client } from '../adapters/s3/client';
import { s3UploadedObjects } from '../adapters/s3/import-objects';
import { loadGeocodingConfig } from '../config/geocoding-config';
import { loadS3Config } from '../config/s3-config';
import { zipDirectory } from '../gazetteer/zip-table';
import { observability } from '../observability/observability';
import { telemetryFor } from '../observability/telemetry';
import type { ImportUploadsDependencies } from '../use-cases/import-uploaded-objects';
import { documentClient, dynamoDbConfig } from './composition/dynamodb-runtime';
import { createImportFromS3Handler } from './factories/import-from-s3';

const { logger } = telemetryFor('import-from-s3');

const dependencies: ImportUploadsDependencies = {
  uploads: s3UploadedObjects(createS3Client(loadS3Config(process.env))),
  imports: {
    store: new DynamoDbProgramStore(documentClient, dynamoDbConfig.PROGRAMS_TABLE),
    zips: zipDirectory,
    // Amazon Location Service where the stage enables it (GEOCODER); else the zip centroid.
    geocoder: createGeocoder(loadGeocodingConfig(process.env), { logger }),
  },
};

export const handler = middy<unknown, { reports: string[] }>()
  .use(observability({ service: 'import-from-s3' }))
  .handler(createImportFromS3Handler(() => dependencies));
