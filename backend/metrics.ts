// The backend's own counters, served as Prometheus text on GET /metrics. Count, don't log per record.

type Labels = Readonly<Record<string, string>>;

function labelText(labels: Labels): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`);
  return parts.length > 0 ? `{${parts.join(',')}}` : '';
}

interface Family {
  readonly type: 'counter' | 'gauge';
  readonly help: string;
  readonly values: Map<string, number>;
  readonly read?: () => number;
}

export class BackendMetrics {
  readonly #families = new Map<string, Family>();

  constructor() {
    this.#define('fleetlog_backend_http_requests_total', 'counter', 'HTTP requests answered, by route and status.');
    this.#define('fleetlog_backend_received_records_total', 'counter', 'Log records decoded from ingest requests, by source.');
    this.#define('fleetlog_backend_accepted_records_total', 'counter', 'Log records stored, by source.');
    this.#define('fleetlog_backend_exports_total', 'counter', 'Exports (GET /api/logs/export) by outcome (complete, busy, stalled, client_closed, failed).');
    this.#define('fleetlog_backend_refused_records_total', 'counter', 'Log records refused, by reason (forged_device_id, backpressure, bad_request, unauthenticated).');
  }

  #define(name: string, type: 'counter' | 'gauge', help: string, read?: () => number): void {
    this.#families.set(name, { type, help, values: new Map(), ...(read ? { read } : {}) });
  }

  /** A gauge read when /metrics is scraped. */
  gauge(name: string, help: string, read: () => number): void {
    this.#define(name, 'gauge', help, read);
  }

  add(name: string, labels: Labels, value = 1): void {
    const family = this.#families.get(name);
    if (!family) throw new Error(`unknown metric ${name}`);
    const key = labelText(labels);
    family.values.set(key, (family.values.get(key) ?? 0) + value);
  }

  value(name: string, labels: Labels = {}): number {
    return this.#families.get(name)?.values.get(labelText(labels)) ?? 0;
  }

  render(): string {
    const lines: string[] = [];
    for (const [name, family] of this.#families) {
      lines.push(`# HELP ${name} ${family.help}`, `# TYPE ${name} ${family.type}`);
      if (family.read) lines.push(`${name} ${family.read()}`);
      for (const [labels, value] of family.values) lines.push(`${name}${labels} ${value}`);
    }
    return `${lines.join('\n')}\n`;
  }
}
