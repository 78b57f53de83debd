// HTTP latency histogram for /metrics (beyond SPEC §9), kept cheap for the POST /digest hot path:
// prom-client's Histogram hashes its label object on every observe (~1-4 µs); this one does three Map
// look-ups and a bucket scan, and hands prom-client the finished series only when scraped.
import type { Registry } from 'prom-client';

/** One label combination's counts; `buckets[i]` counts observations in (bounds[i-1], bounds[i]]. */
interface Series {
  labels: { route: string; method: string; status: string };
  buckets: Float64Array;
  sum: number;
  count: number;
}

/** A Prometheus histogram by route pattern, method and status, registered into `registry`. */
export class RequestHistogram {
  private readonly byRoute = new Map<string, Map<string, Map<number, Series>>>();

  constructor(
    registry: Registry,
    readonly name: string,
    readonly help: string,
    private readonly bounds: readonly number[],
  ) {
    // prom-client formats whatever `get()` returns, exactly as for its own histograms.
    registry.registerMetric(this as unknown as Parameters<Registry['registerMetric']>[0]);
  }

  /** Records one answer; `route` must be a pattern (bounded values), never a raw URL. */
  observe(route: string, method: string, status: number, seconds: number): void {
    let byMethod = this.byRoute.get(route);
    if (!byMethod) this.byRoute.set(route, (byMethod = new Map()));
    let byStatus = byMethod.get(method);
    if (!byStatus) byMethod.set(method, (byStatus = new Map()));
    let s = byStatus.get(status);
    if (!s) {
      s = { labels: { route, method, status: String(status) }, buckets: new Float64Array(this.bounds.length + 1), sum: 0, count: 0 };
      byStatus.set(status, s);
    }
    let i = 0;
    while (i < this.bounds.length && seconds > this.bounds[i]!) i++;
    s.buckets[i]!++;
    s.sum += seconds;
    s.count++;
  }

  /** The series in prom-client's shape: cumulative `_bucket` lines with `le`, then `_sum` and `_count`. */
  async get(): Promise<{ name: string; help: string; type: 'histogram'; aggregator: 'sum'; values: unknown[] }> {
    const values: unknown[] = [];
    for (const byMethod of this.byRoute.values()) {
      for (const byStatus of byMethod.values()) {
        for (const s of byStatus.values()) {
          let cumulative = 0;
          for (let i = 0; i <= this.bounds.length; i++) {
            cumulative += s.buckets[i]!;
            const le = i < this.bounds.length ? this.bounds[i]! : '+Inf';
            values.push({ labels: { ...s.labels, le }, value: cumulative, metricName: `${this.name}_bucket` });
          }
          values.push({ labels: s.labels, value: s.sum, metricName: `${this.name}_sum` });
          values.push({ labels: s.labels, value: s.count, metricName: `${this.name}_count` });
        }
      }
    }
    return { name: this.name, help: this.help, type: 'histogram', aggregator: 'sum', values };
  }

  /** Drops every series (prom-client calls this on `registry.resetMetrics()`). */
  reset(): void {
    this.byRoute.clear();
  }
}
