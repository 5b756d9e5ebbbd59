import { DynamoDbClaimStore } from '../../adapters/dynamodb/dynamodb-claim-store';
import { DynamoDbListingStore } from '../../adapters/dynamodb/dynamodb-listing-store';
import { DynamoDbProgramStore } from '../../adapters/dynamodb/dynamodb-program-store';
import { OpenSearchSearchIndex } from '../../adapters/opensearch/opensearch-search-index';
import { loadListingsConfig } from '../../config/listings-config';
import { zipDirectory } from '../../gazetteer/zip-table';
import { currentLogger } from '../../observability/telemetry';
import type { ListingDependencies } from '../../use-cases/listings/listing-dependencies';
import { cursorSigningKey } from './cursor-runtime';
import { documentClient, dynamoDbConfig } from './dynamodb-runtime';
import { openSearchClient, openSearchConfig } from './opensearch-runtime';

const listingsConfig = loadListingsConfig(process.env);
const searchIndex = new OpenSearchSearchIndex(openSearchClient, openSearchConfig.SEARCH_INDEX_ALIAS);

/** Composition root of the listing handlers: built once per process, at module load. */
export const listingDependencies: ListingDependencies = {
  listings: new DynamoDbListingStore(documentClient, dynamoDbConfig.PROGRAMS_TABLE, cursorSigningKey),
  programs: new DynamoDbProgramStore(documentClient, dynamoDbConfig.PROGRAMS_TABLE),
  claims: new DynamoDbClaimStore(documentClient, dynamoDbConfig.PROGRAMS_TABLE),
  zips: zipDirectory,
  // The duplicate check of new listings (create and update only need it). A failed lookup is
  // logged here; the use case then submits the listing unflagged.
  index: {
    findByAddress: async (streetKey) => {
      try {
        return await searchIndex.findByAddress(streetKey);
      } catch (error) {
        currentLogger().warn('Duplicate check failed: the listing is submitted without a duplicate flag', { streetKey, error: String(error) });
        throw error;
      }
    },
  },
  maxPendingPerProvider: listingsConfig.MAX_PENDING_LISTINGS,
};
