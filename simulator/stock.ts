// Stock levels per sku; skus never set explicitly start at the default level.
export class Stock {
  private levels = new Map<string, number>();

  constructor(
    private readonly initial: Record<string, number>,
    private readonly defaultLevel: number,
  ) {
    this.reset();
  }

  get(sku: string): number {
    return this.levels.get(sku) ?? this.defaultLevel;
  }

  set(sku: string, qty: number): void {
    this.levels.set(sku, qty);
  }

  snapshot(): Record<string, number> {
    return Object.fromEntries(this.levels);
  }

  reset(): void {
    this.levels = new Map(Object.entries(this.initial));
  }
}
