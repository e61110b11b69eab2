/**
 * The cdk8s app: synthesizes every environment (or those named as arguments) into `dist/<env>/` through
 * the package's synth pipeline; `--verbose` prints every policy warning and waiver.
 *
 * `npm run synth` and `cdk8s synth` (whose `cdk8s.yaml` output is a scratch folder) both run it.
 */
import { main } from './stacks/synthesize';

process.exitCode = main(process.argv.slice(2), 'dist');
