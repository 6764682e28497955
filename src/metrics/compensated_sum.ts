/**
 * A running sum that carries its rounding error (Neumaier's variant of Kahan summation), so that
 * adding 10⁵ or more terms, such as one per cell of a contingency table, loses no more than a
 * unit or two in the last place.
 */
export class CompensatedSum {
  private sum = 0;
  private compensation = 0;

  add(term: number): void {
    const next = this.sum + term;
    this.compensation += Math.abs(this.sum) >= Math.abs(term) ? this.sum - next + term : term - next + this.sum;
    this.sum = next;
  }

  get value(): number {
    return this.sum + this.compensation;
  }
}
