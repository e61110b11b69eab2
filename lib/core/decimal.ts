/**
 * Exact decimal arithmetic for thresholds printed into PromQL.
 *
 * Binary floating point prints `1 - 0.999` as `0.0010000000000000009` and `14.4 * 0.001` as
 * `0.014400000000000001`; a reviewer reading a rule file must see `0.001` and `0.0144`. Values are kept as
 * `mantissa / 10^scale` with bigint mantissas, so sums and products of decimals stay exact.
 */
export class Decimal {
  /** A decimal from a number (through its shortest round-trip text, so `99.9` is exactly 99.9) or text. */
  public static of(value: number | string): Decimal {
    const text = typeof value === 'number' ? numberText(value) : value.trim();
    const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
    if (match === null) {
      throw new Error(`not a plain decimal: ${JSON.stringify(value)}`);
    }
    const fraction = match[3] ?? '';
    const mantissa = BigInt(`${match[2]}${fraction}`) * (match[1] === '-' ? -1n : 1n);
    return new Decimal(mantissa, fraction.length);
  }

  /**
   * `numerator / denominator` (integers): exact when the quotient has a finite decimal expansion, otherwise
   * rounded half-up to `significantDigits`.
   */
  public static ratio(numerator: bigint, denominator: bigint, significantDigits: number): Decimal {
    let rest = denominator;
    for (const prime of [2n, 5n]) {
      while (rest % prime === 0n) {
        rest /= prime;
      }
    }
    if (numerator % rest === 0n) {
      // Finite expansion: scale until the division is exact.
      for (let scale = 0; ; scale++) {
        const scaled = numerator * 10n ** BigInt(scale);
        if (scaled % denominator === 0n) {
          return new Decimal(scaled / denominator, scale).normalised();
        }
      }
    }
    const integerDigits = (numerator / denominator).toString().replace('-', '').replace(/^0$/, '').length;
    let scale = significantDigits - integerDigits;
    if (integerDigits === 0) {
      // Leading zeros after the point do not count as significant.
      let probe = numerator * 10n;
      while (probe / denominator === 0n) {
        probe *= 10n;
        scale++;
      }
    }
    const scaled = numerator * 10n ** BigInt(scale + 1) / denominator;
    return new Decimal((scaled + 5n) / 10n, scale).normalised();
  }

  private constructor(private readonly mantissa: bigint, private readonly scale: number) {}

  /** The exact product. */
  public times(other: Decimal): Decimal {
    return new Decimal(this.mantissa * other.mantissa, this.scale + other.scale).normalised();
  }

  /** The exact difference. */
  public minus(other: Decimal): Decimal {
    const scale = Math.max(this.scale, other.scale);
    return new Decimal(this.widen(scale) - other.widen(scale), scale).normalised();
  }

  /** As an integer ratio `[numerator, denominator]`. */
  public toRatio(): [bigint, bigint] {
    return [this.mantissa, 10n ** BigInt(this.scale)];
  }

  public toNumber(): number {
    return Number(this.toString());
  }

  /** Plain decimal text without exponent or trailing zeros (`0.0144`, `6`). */
  public toString(): string {
    const negative = this.mantissa < 0n;
    const digits = (negative ? -this.mantissa : this.mantissa).toString().padStart(this.scale + 1, '0');
    const whole = digits.slice(0, digits.length - this.scale);
    const fraction = digits.slice(digits.length - this.scale);
    return `${negative ? '-' : ''}${whole}${fraction.length > 0 ? `.${fraction}` : ''}`;
  }

  private widen(scale: number): bigint {
    return this.mantissa * 10n ** BigInt(scale - this.scale);
  }

  private normalised(): Decimal {
    let mantissa = this.mantissa;
    let scale = this.scale;
    while (scale > 0 && mantissa % 10n === 0n) {
      mantissa /= 10n;
      scale--;
    }
    return new Decimal(mantissa, scale);
  }
}

/** Shortest round-trip text of a finite number, without exponent notation. */
function numberText(value: number): string {
  if (!Number.isFinite(value)) {
    throw new Error(`not a finite number: ${value}`);
  }
  const text = String(value);
  if (!/e/i.test(text)) {
    return text;
  }
  const [coefficient, exponentText] = text.split(/e/i);
  const exponent = Number(exponentText);
  const negative = coefficient.startsWith('-');
  const [whole, fraction = ''] = coefficient.replace('-', '').split('.');
  const digits = whole + fraction;
  const point = whole.length + exponent;
  const body = point <= 0 ? `0.${'0'.repeat(-point)}${digits}`
    : point >= digits.length ? digits + '0'.repeat(point - digits.length)
      : `${digits.slice(0, point)}.${digits.slice(point)}`;
  return `${negative ? '-' : ''}${body}`;
}
