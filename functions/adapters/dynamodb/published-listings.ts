import { ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Listing } from '../../domain/listing';
import type { Program } from '../../domain/program';

/**
 * The live (approved) versions of provider listings that are not archived, page by page: what
 * search serves for listings (see listingChange in stream-record.ts). Pending versions are never
 * read, so an edit waiting for review cannot leak into an export.
 */
export async function* scanLiveListings(client: DynamoDBDocumentClient, tableName: string): AsyncIterable<Program[]> {
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: tableName,
        // A claimed program's listing is served (and exported) as the program itself.
        FilterExpression: '#kind = :listing AND #status <> :archived AND attribute_exists(#live) AND attribute_not_exists(#programId)',
        // Only the live version travels: pending edits and history can be large and are not public.
        ProjectionExpression: '#live, #revision',
        ExpressionAttributeNames: { '#kind': 'kind', '#status': 'status', '#live': 'live', '#revision': 'revision', '#programId': 'programId' },
        ExpressionAttributeValues: { ':listing': 'listing', ':archived': 'archived' },
        ExclusiveStartKey: startKey,
      }),
    );
    yield (page.Items ?? []).flatMap((item) => {
      const { live, revision } = item as Pick<Listing, 'live' | 'revision'>;
      return live ? [{ ...live, status: 'published' as const, version: revision }] : [];
    });
    startKey = page.LastEvaluatedKey;
  } while (startKey);
}
