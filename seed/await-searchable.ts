/**
 * Waits until every change written so far has reached the search index. Locally the stream
 * emulator in front of DynamoDB answers this; against AWS (no local endpoint) there is nothing
 * to wait on here, the stream delivers within seconds.
 */
export async function awaitSearchable(dynamoDbEndpoint: string | undefined): Promise<{ delivered: number; failed: number } | undefined> {
  if (!dynamoDbEndpoint) return undefined;
  const response = await fetch(new URL('/_local/stream/drain', dynamoDbEndpoint), { method: 'POST' });
  if (!response.ok) throw new Error(`The local stream did not drain: HTTP ${response.status} ${await response.text()}`);
  return (await response.json()) as { delivered: number; failed: number };
}
