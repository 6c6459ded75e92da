// Self-metrics in memory, rendered as Prometheus text (exposition format 0.0.4). Each component gets a Meter whose
// series carry its label (`exporter="file"`); callbacks refresh gauges that are computed on scrape.
import type { Counter, Gauge, Meter, MetricLabels } from '../component/contract.js';
import { METRIC_NAME_PATTERN } from './metric-names.js';

interface Series {
  readonly labels: MetricLabels;
  value: number;
}

interface Family {
  readonly name: string;
  readonly type: 'counter' | 'gauge';
  readonly help: string;
  readonly series: Map<string, Series>;
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

function labelKey(labels: MetricLabels): string {
  return Object.keys(labels).sort().map((k) => `${k}=${labels[k]}`).join('\u0000');
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

export class MetricsRegistry {
  readonly #families = new Map<string, Family>();
  readonly #collectors: (() => void)[] = [];

  #family(name: string, type: 'counter' | 'gauge', help: string): Family | undefined {
    if (!METRIC_NAME_PATTERN.test(name)) return undefined;
    let family = this.#families.get(name);
    if (!family) {
      family = { name, type, help, series: new Map() };
      this.#families.set(name, family);
    }
    return family.type === type ? family : undefined;
  }

  #series(family: Family | undefined, base: MetricLabels, labels: MetricLabels | undefined): Series | undefined {
    if (!family) return undefined;
    const all: Record<string, string> = { ...base };
    for (const [k, v] of Object.entries(labels ?? {})) if (LABEL_NAME.test(k)) all[k] = String(v);
    const key = labelKey(all);
    let series = family.series.get(key);
    if (!series) {
      series = { labels: all, value: 0 };
      family.series.set(key, series);
    }
    return series;
  }

  /**
   * A Meter whose every series carries `labels` (the component's id label). Bad names are ignored, not thrown. An
   * instrument keeps the series of its own labels once touched, so an update without extra labels is a number
   * change (no label key built per update).
   */
  meter(labels: MetricLabels = {}): Meter {
    return {
      counter: (name, help): Counter => {
        const family = this.#family(name, 'counter', help);
        let own: Series | undefined;
        return {
          add: (value, extra) => {
            if (!(value > 0)) return;
            const s = extra === undefined ? (own ??= this.#series(family, labels, undefined)) : this.#series(family, labels, extra);
            if (s) s.value += value;
          },
        };
      },
      gauge: (name, help): Gauge => {
        const family = this.#family(name, 'gauge', help);
        let own: Series | undefined;
        return {
          set: (value, extra) => {
            const s = extra === undefined ? (own ??= this.#series(family, labels, undefined)) : this.#series(family, labels, extra);
            if (s) s.value = value;
          },
        };
      },
    };
  }

  /** Runs before each render (or read) to refresh computed gauges. */
  onCollect(callback: () => void): void {
    this.#collectors.push(callback);
  }

  /** The current value of one series (undefined when it was never touched). */
  value(name: string, labels: MetricLabels = {}): number | undefined {
    this.#collect();
    return this.#families.get(name)?.series.get(labelKey(labels))?.value;
  }

  #collect(): void {
    for (const collect of this.#collectors) {
      try {
        collect();
      } catch { /* a failing collector must not break the scrape */ }
    }
  }

  /** Prometheus text exposition of every family, sorted by name. */
  render(): string {
    this.#collect();
    const lines: string[] = [];
    for (const family of [...this.#families.values()].sort((a, b) => a.name.localeCompare(b.name))) {
      lines.push(`# HELP ${family.name} ${family.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`);
      lines.push(`# TYPE ${family.name} ${family.type}`);
      for (const series of family.series.values()) {
        const labels = Object.entries(series.labels).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
        lines.push(`${family.name}${labels.length > 0 ? `{${labels.join(',')}}` : ''} ${formatValue(series.value)}`);
      }
    }
    return `${lines.join('\n')}\n`;
  }
}
