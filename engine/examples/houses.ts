import { clamp, ExampleRandom, fixed } from './random';

/**
 * A house-price table: one row per sale, `price` from a known formula of the features plus noise. Mostly
 * linear (a linear model on one-hot encoded columns explains most of the variance); the distance to the
 * centre acts non-linearly, very old houses carry a premium and the noise grows with the price, which a tree
 * ensemble or a log-target model picks up.
 */

export const HOUSE_COLUMNS = [
  'area_sqm',
  'bedrooms',
  'bathrooms',
  'year_built',
  'distance_km',
  'neighborhood',
  'garage',
  'condition',
  'price',
] as const;

/** What each neighbourhood adds to the price. */
const NEIGHBORHOOD_PREMIUM = {
  riverside: 70_000,
  old_town: 45_000,
  hillside: 25_000,
  suburbs: 0,
  industrial: -40_000,
} as const;
type Neighborhood = keyof typeof NEIGHBORHOOD_PREMIUM;

/** The year the sales happened in, for the age of a house. */
const SALE_YEAR = 2024;

export interface HouseRow {
  areaSqm: number;
  bedrooms: number;
  bathrooms: number;
  yearBuilt: number;
  distanceKm: number;
  neighborhood: Neighborhood;
  garage: 'yes' | 'no';
  condition: number;
  /** The price before noise: what a perfect model predicts. */
  expectedPrice: number;
  price: number;
}

export function houseRow(seed: number, index: number): HouseRow {
  const rng = new ExampleRandom(seed, `houses:${index}`);
  const neighborhood = rng.weighted<Neighborhood>([
    ['suburbs', 0.38],
    ['old_town', 0.18],
    ['hillside', 0.16],
    ['riverside', 0.1],
    ['industrial', 0.18],
  ]);
  // Smaller homes near the centre, more space further out.
  const u = rng.next();
  const distanceKm = Math.round(10 * (0.5 + 29.5 * u * u)) / 10;
  const areaSqm = Math.round(clamp(45 + 55 * (rng.next() + rng.next()) + 2.2 * distanceKm, 30, 320));
  const bedrooms = Math.round(clamp(areaSqm / 38 + 0.7 * rng.normal(), 1, 7));
  const bathrooms = Math.round(clamp(0.6 + areaSqm / 95 + 0.45 * rng.normal(), 1, 4));
  const yearBuilt =
    neighborhood === 'old_town' && rng.chance(0.6) ? rng.int(1890, 1950) : rng.int(1950, SALE_YEAR - 1);
  const garage = rng.chance(clamp(0.15 + distanceKm / 25, 0, 0.9)) ? 'yes' : 'no';
  const condition = rng.weighted<number>([
    [1, 0.06],
    [2, 0.18],
    [3, 0.42],
    [4, 0.24],
    [5, 0.1],
  ]);

  const age = SALE_YEAR - yearBuilt;
  // The known formula. Distance lowers the price steeply at first, then hardly at all.
  const expectedPrice =
    60_000 +
    2_300 * areaSqm +
    12_000 * bathrooms +
    4_000 * bedrooms +
    NEIGHBORHOOD_PREMIUM[neighborhood] +
    (garage === 'yes' ? 18_000 : 0) +
    14_000 * (condition - 3) -
    900 * Math.min(age, 80) +
    (age > 80 ? 35_000 : 0) -
    (180_000 * distanceKm) / (distanceKm + 6);
  // Noise in proportion to the price (about 6%), on top of a flat part.
  const noisy = expectedPrice + (8_000 + 0.06 * Math.abs(expectedPrice)) * rng.normal();
  const price = Math.max(25_000, Math.round(noisy / 500) * 500);
  return {
    areaSqm,
    bedrooms,
    bathrooms,
    yearBuilt,
    distanceKm,
    neighborhood,
    garage,
    condition,
    expectedPrice,
    price,
  };
}

export function houseCsvLine(row: HouseRow): string {
  return [
    row.areaSqm,
    row.bedrooms,
    row.bathrooms,
    row.yearBuilt,
    fixed(row.distanceKm, 1),
    row.neighborhood,
    row.garage,
    row.condition,
    row.price,
  ].join(',');
}

export function housesCsv(seed: number, rows: number): string {
  const lines = [HOUSE_COLUMNS.join(',')];
  for (let i = 0; i < rows; i += 1) lines.push(houseCsvLine(houseRow(seed, i)));
  return `${lines.join('\n')}\n`;
}
