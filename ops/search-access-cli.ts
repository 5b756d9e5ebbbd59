/**
 * `npm run search-access -- --stage dev|prod [--print --account ID --region REGION] [--json]`
 * Maps the function roles of a deployed stage to their OpenSearch roles and turns on the audit log
 * (fine-grained access control; ops/search-access.ts), as the operations role, which is the domain's
 * master user. Run after each deploy of the stateful stack, before the API stack's functions need
 * the domain. `--print` only prints the requests (no credentials, no network).
 * `--partition` (default aws) only matters to --print; otherwise it comes from the caller.
 * Exit 0: applied and read back; 1: a mapping read back differs; 2: usage or fatal error.
 */
import { parseArgs } from 'node:util';
import { createOpenSearchClient } from '../functions/adapters/opensearch/client';
import { loadOpenSearchConfig } from '../functions/config/opensearch-config';
import { searchIndexAlias } from '../infra/config/search-access';
import { isStageName, stageConfig, stageNames, type StageConfig } from '../infra/config/stages';
import { runCommand, UsageError } from '../cli/command-line';
import { callerOf, searchAccessRequests, type SecurityRequest } from './search-access';

const USAGE = `usage: npm run search-access -- --stage ${stageNames.join('|')} [--print --account ID --region REGION] [--json]
  with OPENSEARCH_URL=<SearchDomainEndpoint> AWS_REGION=<region> and credentials of the stage's
  operations role (AWS_PROFILE, SSO, ...: the SDK's provider chain)`;

function parseCommandLine(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      stage: { type: 'string' },
      print: { type: 'boolean', default: false },
      account: { type: 'string' },
      region: { type: 'string' },
      partition: { type: 'string', default: 'aws' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) throw new UsageError('');
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
  if (!isStageName(values.stage)) throw new UsageError(`--stage must be one of ${stageNames.join(', ')}`);
  if (values.print && !(values.account && /^\d{12}$/.test(values.account) && values.region)) {
    throw new UsageError('--print needs --account (12 digits) and --region: the function role ARNs contain both');
  }
  if (!values.print && (values.account || values.region)) throw new UsageError('--account and --region go with --print; otherwise they come from the caller and AWS_REGION');
  return { config: stageConfig(values.stage), print: values.print, account: values.account, region: values.region, partition: values.partition, json: values.json };
}

function printRequests(requests: readonly SecurityRequest[], json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(requests, null, 2)}\n`);
    return;
  }
  for (const request of requests) process.stdout.write(`${request.method} ${request.path}\n${JSON.stringify(request.body, null, 2)}\n\n`);
}

async function apply(config: StageConfig, json: boolean): Promise<number> {
  if (!config.search.fineGrainedAccessControl) {
    throw new Error(`${config.stage} has no fine-grained access control (infra/config/stages.ts): the domain's access policy is all there is to configure`);
  }
  // The stage's domain, signed with whatever credentials the SDK's provider chain finds.
  for (const name of ['OPENSEARCH_URL', 'AWS_REGION']) if (!process.env[name]) throw new UsageError(`${name} is required`);
  if (!process.env.OPENSEARCH_URL!.startsWith('https://')) throw new UsageError('OPENSEARCH_URL must be the https:// endpoint of the domain (output SearchDomainEndpoint)');
  const openSearchClient = createOpenSearchClient(
    loadOpenSearchConfig({ OPENSEARCH_URL: process.env.OPENSEARCH_URL, AWS_REGION: process.env.AWS_REGION, OPENSEARCH_AUTH: 'sigv4', SEARCH_INDEX_ALIAS: searchIndexAlias }),
  );
  const call = async (method: string, path: string, body?: unknown) =>
    (await openSearchClient.transport.request({ method, path, ...(body === undefined ? {} : { body: body as never }) })).body as unknown;

  const caller = callerOf(await call('GET', '/_plugins/_security/authinfo'), config.operations.roleName);
  const requests = searchAccessRequests(config, { ...caller, region: process.env.AWS_REGION! });
  for (const request of requests) {
    await call(request.method, request.path, request.body);
    if (!json) process.stdout.write(`${request.method} ${request.path}: done\n`);
  }

  // Read every mapping back: what the domain holds now is what the functions get.
  let differing = 0;
  for (const request of requests.filter((r) => r.path.includes('/rolesmapping/'))) {
    const name = request.path.split('/').at(-1)!;
    const held = ((await call('GET', request.path)) as Record<string, { backend_roles?: string[] }>)[name]?.backend_roles ?? [];
    const wanted = request.body.backend_roles as string[];
    if ([...held].sort().join(' ') !== [...wanted].sort().join(' ')) {
      differing++;
      process.stderr.write(`mapping ${name}: the domain holds ${JSON.stringify(held)}, expected ${JSON.stringify(wanted)}\n`);
    }
  }
  if (json) process.stdout.write(`${JSON.stringify({ stage: config.stage, applied: requests.map((r) => `${r.method} ${r.path}`), differing })}\n`);
  else process.stdout.write(`${config.stage}: ${requests.length} requests applied, ${differing} mappings differ\n`);
  return differing === 0 ? 0 : 1;
}

async function main(options: ReturnType<typeof parseCommandLine>): Promise<number> {
  if (options.print) {
    printRequests(searchAccessRequests(options.config, { partition: options.partition, account: options.account!, region: options.region! }), options.json);
    return 0;
  }
  return apply(options.config, options.json);
}

runCommand(USAGE, parseCommandLine, main);
