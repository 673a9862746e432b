/** Test-only: where the real benchmark data lives, as the product finds it (DENSEBENCH_DATA_DIR, else ../shared/data beside the checkout). */
export { DATA_DIR } from '@app/testing/paths';
