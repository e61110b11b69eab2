import { writeShippedRenders } from './shipped-renders';

/** Jest global setup: render the shipped environments once for every test file of the run. */
export default function globalSetup(): void {
  writeShippedRenders();
}
