import type { Provider } from '@nestjs/common';

export * from './sql';
export * from './sql-catalog';

/**
 * The repositories DatabaseModule provides: one per aggregate, each the only code that runs SQL on its tables.
 * A repository takes the DataSource in its constructor (Nest injects TypeORM's; bench/ and scripts pass their own).
 */
export const REPOSITORIES: Provider[] = [];
