import { documentClient } from '../../adapters/dynamodb/client';
import { DynamoDbReportStore } from '../../adapters/dynamodb/dynamodb-report-store';
import { dynamoDbConfig } from '../../config/dynamodb-config';
import type { ReportResolver } from '../../use-cases/review/decide-review-item';
import { resolveReport } from '../../use-cases/reports/resolve-report';
import { listingDependencies } from './listing-composition';

const reports = new DynamoDbReportStore(documentClient, dynamoDbConfig.PROGRAMS_TABLE);
const resolve: ReportResolver = (identity, id, outcome, note) => resolveReport(identity, id, outcome, note, { reports });

/** Composition root of the review routes: the listing machinery (listings, claims, programs) and the report resolver. */
export const reviewDependencies = { ...listingDependencies, resolveReport: resolve };
