import { UnknownZipError } from '../domain/errors';
import { minutesOfDay, type GeoPoint } from '../domain/program';
import { DEFAULT_PAGE_SIZE, DEFAULT_RADIUS_MILES, type SearchQuery } from '../domain/search-query';
import type { SearchCriteria, SearchPage, SortOrder } from '../domain/search-criteria';
import type { SearchIndex } from '../ports/search-index';
import type { ZipDirectory } from '../ports/zip-directory';

export interface SearchDependencies {
  index: SearchIndex;
  zips: ZipDirectory;
  now?: () => Date;
}

export interface SearchResponse extends SearchPage {
  origin: { zip?: string; lat: number; lon: number } | null;
}

function defaultSort(query: SearchQuery, hasOrigin: boolean): SortOrder {
  if (query.sort) return query.sort;
  if (hasOrigin) return 'distance';
  return query.q ? 'relevance' : 'name';
}

export function toCriteria(query: SearchQuery, origin: GeoPoint | undefined, today: string): SearchCriteria {
  const sessionWindow =
    query.day || query.startAfter || query.endBefore
      ? {
          days: query.day,
          startAfter: query.startAfter === undefined ? undefined : minutesOfDay(query.startAfter),
          endBefore: query.endBefore === undefined ? undefined : minutesOfDay(query.endBefore),
        }
      : undefined;
  return {
    origin,
    radiusMiles: query.radius ?? DEFAULT_RADIUS_MILES,
    text: query.q,
    filters: {
      levelOfCare: query.levelOfCare,
      condition: query.condition,
      service: query.service,
      ageGroup: query.ageGroup,
      language: query.language,
      delivery: query.delivery,
      insurance: query.insurance,
      accreditation: query.accreditation,
      licensed: query.licensed,
      licenseState: query.licenseState,
      sessionTime: query.sessionTime,
      sessionWindow,
      acceptingNewPatients: query.acceptingNewPatients,
      verifiedSince: query.verifiedSince,
      medication: query.medication,
      population: query.population,
      gender: query.gender,
      ownership: query.ownership,
    },
    sort: defaultSort(query, origin !== undefined),
    limit: query.limit ?? DEFAULT_PAGE_SIZE,
    cursor: query.cursor,
    today,
  };
}

export async function searchPrograms(query: SearchQuery, deps: SearchDependencies): Promise<SearchResponse> {
  let origin: SearchResponse['origin'] = null;
  if (query.zip !== undefined) {
    const place = deps.zips.lookup(query.zip);
    if (!place) throw new UnknownZipError(query.zip);
    origin = { zip: query.zip, lat: place.centroid.lat, lon: place.centroid.lon };
  } else if (query.lat !== undefined && query.lon !== undefined) {
    origin = { lat: query.lat, lon: query.lon };
  }
  const today = (deps.now?.() ?? new Date()).toISOString().slice(0, 10);
  const point = origin ? { lat: origin.lat, lon: origin.lon } : undefined;
  const page = await deps.index.search(toCriteria(query, point, today));
  return { total: page.total, origin, results: page.results, facets: page.facets, nextCursor: page.nextCursor };
}
