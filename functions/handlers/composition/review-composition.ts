import { DynamoDbReportStore } from '../../adapters/dynamodb/dynamodb-report-store';
import type { ReportResolver } from '../../use-cases/review/decide-review-item';
import { resolveReport } from '../../use-cases/reports/resolve-report';
import { documentClient, dynamoDbConfig } from './dynamodb-runtime';
import { listingDependencies } from './listing-composition';

const reports = new DynamoDbReportStore(documentClient, dynamoDbConfig.PROGRAMS_TABLE);
const resolve: ReportResolver = (identity, id, outcome, note) => resolveReport(identity, id, outcome, note, { reports });

/** Composition root of the review routes: the listing machinery (listings, claims, programs) and the report resolver. */
export const reviewDependencies = { ...listingDependencies, resolveReport: resolve };
