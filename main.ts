/**
 * The cdk8s app: synthesizes every environment (or those named as arguments) into `dist/<env>/`.
 *
 * `cdk8s synth` sets CDK8S_OUTDIR; `npm run synth` writes to `dist`.
 */
import { main } from './stacks/synthesize';

process.exitCode = main(process.argv.slice(2), process.env.CDK8S_OUTDIR ?? 'dist');
