/**
 * Settings and mappings of the programs index. A change here ships as a new versioned index
 * behind the search alias; bump MAPPING_VERSION with it.
 */
export const MAPPING_VERSION = 4;

const keyword = { type: 'keyword' } as const;
const strictDate = { type: 'date', format: 'strict_date' } as const;

export const programIndexBody = {
  settings: {
    number_of_shards: 1,
    // A copy on every data node: the index is small, so each node holds it whole and every node
    // serves searches (prod's three, one per zone; with '0-1' one of them held nothing). None on a
    // single node (dev, local), so it stays green. infra stage config: search.dataNodes.
    auto_expand_replicas: '0-all',
    refresh_interval: '1s',
    // The domain publishes slow logs to CloudWatch, but OpenSearch writes them only past these.
    'search.slowlog.threshold.query.warn': '500ms',
    'search.slowlog.threshold.query.info': '200ms',
    'search.slowlog.threshold.fetch.warn': '200ms',
    'indexing.slowlog.threshold.index.warn': '1s',
    'indexing.slowlog.threshold.index.info': '500ms',
    analysis: {
      normalizer: {
        sortable: { type: 'custom', filter: ['lowercase', 'asciifolding'] },
      },
    },
  },
  mappings: {
    dynamic: 'strict',
    properties: {
      id: keyword,
      published: { type: 'boolean' },
      name: {
        type: 'text',
        fields: { sort: { type: 'keyword', normalizer: 'sortable', ignore_above: 256 } },
      },
      organization: { type: 'text' },
      description: { type: 'text' },
      location: { type: 'geo_point' },
      state: keyword,
      levelsOfCare: keyword,
      conditions: keyword,
      services: keyword,
      ageGroups: keyword,
      languages: keyword,
      delivery: keyword,
      insurance: keyword,
      // currentUntil: expiresOn, or the end of time when the source states none. "Current today"
      // is then one range on one field, where "no expiry or not yet expired" needed a must_not
      // exists over every nested entry and was the costliest part of the accreditation facet.
      licenses: { type: 'nested', properties: { state: keyword, expiresOn: strictDate, currentUntil: strictDate } },
      accreditations: { type: 'nested', properties: { body: keyword, expiresOn: strictDate, currentUntil: strictDate } },
      sessions: {
        type: 'nested',
        properties: { days: keyword, start: { type: 'short' }, end: { type: 'short' } },
      },
      sessionTimes: keyword,
      acceptingNewPatients: { type: 'boolean' },
      medications: keyword,
      populations: keyword,
      gendersAccepted: keyword,
      ownership: keyword,
      /** `serviceArea.states`: where a program with virtual delivery serves. */
      serviceStates: keyword,
      dataAsOf: { type: 'date', format: 'strict_date' },
      verifiedAt: { type: 'date', format: 'strict_date_optional_time' },
      /** Matching keys (address-key.ts): street1 + zip and name + zip, normalised; duplicate checks look them up. */
      streetKey: keyword,
      nameKey: keyword,
      program: { type: 'object', enabled: false },
    },
  },
} as const;
