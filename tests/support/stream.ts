/**
 * Waits until every write acknowledged so far has gone through the indexer Lambda handler and
 * the search index is refreshed: the test counterpart of "eventually consistent within seconds"
 * in AWS. Asks the stream emulator of the stack the tests run against (tests/global-setup.ts).
 */
export async function awaitIndexed(): Promise<{ delivered: number; failed: number }> {
  const endpoint = process.env.DYNAMODB_ENDPOINT;
  if (!endpoint) throw new Error('DYNAMODB_ENDPOINT is not set; run the tests through vitest so tests/global-setup.ts starts the stack');
  const response = await fetch(new URL('/_local/stream/drain', endpoint), { method: 'POST', signal: AbortSignal.timeout(60_000) });
  if (!response.ok) throw new Error(`Draining the local stream failed: HTTP ${response.status} ${await response.text()}`);
  return (await response.json()) as { delivered: number; failed: number };
}
