import { test } from 'node:test';
import assert from 'node:assert/strict';
import { METRICS } from '../telemetry/metric-names.js';
import { DELIVERY_METRIC_NAMES, DeliveryMetrics } from './delivery-metrics.js';
import { RecordingMeter } from './test-support.js';

test('every delivery metric is in the fixed vocabulary, with the same type', () => {
  const byName = new Map(Object.values(METRICS).map((m) => [m.name, m.type]));
  const types = new Map<string, string>();
  const meter = {
    counter: (name: string) => { types.set(name, 'counter'); return new RecordingMeter().counter(name); },
    gauge: (name: string) => { types.set(name, 'gauge'); return new RecordingMeter().gauge(name); },
  };
  new DeliveryMetrics(meter);
  assert.equal(types.size, Object.keys(DELIVERY_METRIC_NAMES).length);
  for (const [name, type] of types) assert.equal(byName.get(name), type, name);
});
