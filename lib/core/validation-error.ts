/**
 * A user mistake found while building or synthesizing the construct tree.
 *
 * The message always has the shape `[<where>] <field>: <problem>`, where `<where>` is a construct path
 * (`prod/Web/Storefront`) or a configuration source (`environment prod`). The synth entry point prints it
 * without a stack trace, because the fix is in the input, not in the code.
 */
export class ValidationError extends Error {
  /** Construct path or configuration source the mistake is in. */
  public readonly where: string;

  /** The prop or configuration field at fault, dotted (`autoscaling.minReplicas`). */
  public readonly field: string;

  constructor(where: string, field: string, problem: string) {
    super(`[${where}] ${field}: ${problem}`);
    this.name = 'ValidationError';
    this.where = where;
    this.field = field;
  }
}
