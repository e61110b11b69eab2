import { removeShippedRenders } from './shipped-renders';

/** Jest global teardown: remove the run's renders of the shipped environments. */
export default function globalTeardown(): void {
  removeShippedRenders();
}
