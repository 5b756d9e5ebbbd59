/**
 * The searches the benchmark times. Downtown zips of the biggest metros, because that is where
 * a geo query matches the most programs and costs the most; a rural zip would flatter the figures.
 */
export const CITY_ZIPS = [
  '10001', // New York
  '90012', // Los Angeles
  '60601', // Chicago
  '77002', // Houston
  '85004', // Phoenix
  '19103', // Philadelphia
  '78205', // San Antonio
  '92101', // San Diego
  '75201', // Dallas
  '98101', // Seattle
] as const;

export type Query = Record<string, string>;

export interface Scenario {
  key: string;
  label: string;
  /** Cycled through, one per iteration. */
  queries: Query[];
  /** Follow nextCursor this many pages and time only the page at that depth. */
  cursorDepth?: number;
}

export const DEEP_PAGE = 20;

export const SCENARIOS: Scenario[] = [
  {
    key: 'zip-radius',
    label: 'zip + radius 25',
    queries: CITY_ZIPS.map((zip) => ({ zip, radius: '25' })),
  },
  {
    key: 'zip-radius-3-filters',
    label: 'zip + radius + 3 filters',
    queries: CITY_ZIPS.map((zip) => ({ zip, radius: '25', insurance: 'medicaid', levelOfCare: 'iop', sessionTime: 'evening' })),
  },
  {
    key: 'text',
    label: 'q=recovery center',
    queries: [{ q: 'recovery center' }],
  },
  {
    key: 'text-typo',
    label: 'q=recovry center (typo)',
    queries: [{ q: 'recovry center' }],
  },
  {
    // A map viewport over a metro with two filters and zoom-10 clusters over every match (contract 8).
    key: 'bbox-2-filters-clusters',
    label: 'bbox + 2 filters + clusters=10',
    queries: [
      '-74.30,40.50,-73.70,40.95', // New York
      '-118.70,33.70,-117.90,34.30', // Los Angeles
      '-88.00,41.60,-87.50,42.10', // Chicago
      '-71.20,42.20,-70.90,42.45', // Boston
    ].map((bbox) => ({ bbox, insurance: 'medicaid', levelOfCare: 'iop,outpatient', clusters: '10' })),
  },
  {
    // The three metros with more than 20 full pages within 50 miles even in the 15k demo dataset.
    key: 'deep-cursor',
    label: `page ${DEEP_PAGE} via cursor (limit 20)`,
    queries: ['10001', '90012', '60601'].map((zip) => ({ zip, radius: '50', limit: '20' })),
    cursorDepth: DEEP_PAGE,
  },
];
