import { documentClient } from '../../adapters/dynamodb/client';
import { DynamoDbListingStore } from '../../adapters/dynamodb/dynamodb-listing-store';
import { dynamoDbConfig } from '../../config/dynamodb-config';
import { listingsConfig } from '../../config/listings-config';
import { zipDirectory } from '../../geo/zip-table';
import type { ListingDependencies } from '../../use-cases/listings/listing-dependencies';

/** Composition root of the listing handlers: built once per process, at module load. */
export const listingDependencies: ListingDependencies = {
  listings: new DynamoDbListingStore(documentClient, dynamoDbConfig.PROGRAMS_TABLE),
  zips: zipDirectory,
  maxPendingPerProvider: listingsConfig.MAX_PENDING_LISTINGS,
};
