// A seeded generator of realistic vending-machine activity as the PRD's standard log entries (and as LogBatches):
// vend sessions (payment approved → dispense → flow meter → transaction completed) with unique transaction ids and
// varying amounts, declined cards, authorization timeouts, GPIO conflicts, flow-meter recalibration, door and
// temperature readings, low stock, weak signal, and occasional CRITICAL events (tamper, motor stall). The same seed
// always gives the same entries, so tests, the bench and the demo are reproducible.
import { RESOURCE_DEVICE_ID, type LogBatch, type LogRecord } from '../collector/component/index.js';
import { eventFromEntry, recordFromEvent, type Context, type PrdEntry } from '../eport/packer/event.js';
import { seededRandom } from '../collector/testkit/seeded-random.js';

export interface VendingSimulatorOptions {
  seed?: number;
  machineId?: string;
  /** Unix ms of the first entry; default 2026-01-22T00:00:00Z. */
  startMs?: number;
  /** Average entries per hour (the PRD's load test: 1,000). */
  logsPerHour?: number;
  /** Share of WARN, ERROR and CRITICAL entries (the PRD's load: 0.2). */
  warnShare?: number;
  /** Share of CRITICAL entries among all entries. */
  criticalShare?: number;
}

/** The PRD's own example entries ("Standard Log Entry" and "Log Compression Examples"). */
const PRD_SAMPLES: PrdEntry[] = [
  { timestamp: '2026-01-22T14:30:15.123Z', machine_id: 'VM001', level: 'ERROR', component: 'payment', message: 'Authorization timeout after 30s', context: { transaction_id: 'abc123', amount_cents: 2000, retry_count: 3 } },
  { timestamp: '2026-01-22T14:32:20.000Z', machine_id: 'VM001', level: 'ERROR', component: 'motor', message: 'GPIO conflict on pin 17, retry attempt 2', context: { product: 'soap_hand' } },
  { timestamp: '2026-01-22T14:35:10.000Z', machine_id: 'VM001', level: 'WARN', component: 'flowmeter', message: 'Pulse count mismatch, recalibrating sensor', context: { expected: 54, actual: 52 } },
];
export const PRD_SAMPLE_ENTRIES: readonly PrdEntry[] = Object.freeze(PRD_SAMPLES);

const PRODUCTS = [
  { name: 'soap_hand', priceCents: 150, slot: 1 }, { name: 'soap_dish', priceCents: 225, slot: 2 },
  { name: 'shampoo', priceCents: 350, slot: 3 }, { name: 'conditioner', priceCents: 375, slot: 4 },
  { name: 'laundry_detergent', priceCents: 600, slot: 5 }, { name: 'fabric_softener', priceCents: 450, slot: 6 },
] as const;
type Product = (typeof PRODUCTS)[number];
const CARDS = ['visa', 'mastercard', 'amex', 'discover', 'contactless'] as const;
const DECLINE_REASONS = ['insufficient_funds', 'expired_card', 'do_not_honor', 'invalid_pin'] as const;


interface Session { txn: string; amountCents: number; product: Product; step: number }

export class VendingSimulator {
  readonly machineId: string;
  #random: () => number;
  #timeMs: number;
  #meanGapMs: number;
  #warnShare: number;
  #criticalShare: number;
  #session: Session | undefined;
  #txnCounter = 0;
  #uptimeS = 0;
  #stock = new Map<string, number>(PRODUCTS.map((p) => [p.name, 40]));

  constructor(options: VendingSimulatorOptions = {}) {
    this.machineId = options.machineId ?? 'VM001';
    this.#random = seededRandom(options.seed ?? 1);
    this.#timeMs = options.startMs ?? Date.parse('2026-01-22T00:00:00.000Z');
    this.#meanGapMs = 3_600_000 / (options.logsPerHour ?? 1_000);
    this.#warnShare = options.warnShare ?? 0.2;
    this.#criticalShare = options.criticalShare ?? 0.002;
  }

  /** The next n entries. */
  take(n: number): PrdEntry[] {
    const out: PrdEntry[] = [];
    for (let i = 0; i < n; i += 1) out.push(this.next());
    return out;
  }

  /** The next n entries as LogRecords in one batch with the machine as resource. */
  takeBatch(n: number, observedTimeMs = Date.now()): LogBatch {
    const records: LogRecord[] = this.take(n).map((e) => recordFromEvent(eventFromEntry(e), observedTimeMs));
    return { resource: { [RESOURCE_DEVICE_ID]: this.machineId }, records };
  }

  next(): PrdEntry {
    // exponential gaps, whole milliseconds
    const gap = Math.max(1, Math.round(-Math.log(1 - this.#random()) * this.#meanGapMs));
    this.#timeMs += gap;
    this.#uptimeS += Math.round(gap / 1000);
    const r = this.#random();
    if (r < this.#criticalShare) return this.#critical();
    if (r < this.#warnShare) return this.#problem();
    return this.#routine();
  }

  #entry(level: string, component: string, message: string, context?: Context): PrdEntry {
    const entry: PrdEntry = { timestamp: new Date(this.#timeMs).toISOString(), machine_id: this.machineId, level, component, message };
    if (context !== undefined) entry.context = context;
    return entry;
  }

  #pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.#random() * items.length)]!;
  }

  #int(min: number, max: number): number {
    return min + Math.floor(this.#random() * (max - min + 1));
  }

  #newTxn(): string {
    // a hashed, unique transaction id (the PRD: "Hash transaction IDs")
    this.#txnCounter += 1;
    let h = (this.#txnCounter * 2654435761) >>> 0;
    h ^= Math.floor(this.#random() * 0xffffffff);
    return `t${(h >>> 0).toString(16).padStart(8, '0')}`;
  }

  #startSession(): Session {
    const product = this.#pick(PRODUCTS);
    const amountCents = product.priceCents * this.#int(1, 3) + 5 * this.#int(0, 9);
    this.#session = { txn: this.#newTxn(), amountCents, product, step: 0 };
    return this.#session;
  }

  #routine(): PrdEntry {
    const s = this.#session;
    if (s !== undefined) {
      s.step += 1;
      switch (s.step) {
        case 1: return this.#entry('INFO', 'motor', 'Dispense started', { product: s.product.name, slot: s.product.slot });
        case 2: {
          const ml = this.#int(180, 320);
          return this.#entry('INFO', 'flowmeter', `Dispensed ${ml}ml`, { product: s.product.name, pulses: Math.round(ml * 0.216) });
        }
        case 3: return this.#entry('INFO', 'motor', 'Dispense complete', { product: s.product.name, duration_ms: this.#int(2400, 5200) });
        default: {
          this.#session = undefined;
          this.#stock.set(s.product.name, Math.max(0, (this.#stock.get(s.product.name) ?? 40) - 1));
          return this.#entry('INFO', 'txn', 'Transaction completed', { transaction_id: s.txn, amount_cents: s.amountCents, product: s.product.name });
        }
      }
    }
    const r = this.#random();
    if (r < 0.55) {
      const n = this.#startSession();
      return this.#entry('INFO', 'payment', 'Payment approved', { transaction_id: n.txn, amount_cents: n.amountCents, card: this.#pick(CARDS) });
    }
    if (r < 0.8) return this.#entry('DEBUG', 'temperature', 'Temperature reading', { celsius: Math.round((3 + this.#random() * 3) * 10) / 10 });
    if (r < 0.9) return this.#entry('INFO', 'system', 'Heartbeat', { uptime_s: this.#uptimeS, free_mem_mb: this.#int(180, 240) });
    if (r < 0.95) {
      const product = this.#pick(PRODUCTS);
      return this.#entry('INFO', 'inventory', 'Stock level', { product: product.name, remaining: this.#stock.get(product.name) ?? 0 });
    }
    return this.#entry('INFO', 'door', this.#random() < 0.5 ? 'Door opened' : 'Door closed', { by: 'service' });
  }

  #problem(): PrdEntry {
    const r = this.#random();
    if (r < 0.3) {
      const txn = this.#newTxn();
      return this.#entry('WARN', 'payment', 'Card declined', { transaction_id: txn, reason: this.#pick(DECLINE_REASONS) });
    }
    if (r < 0.42) {
      const product = this.#pick(PRODUCTS);
      return this.#entry('ERROR', 'payment', 'Authorization timeout after 30s', { transaction_id: this.#newTxn(), amount_cents: product.priceCents, retry_count: this.#int(1, 3) });
    }
    if (r < 0.52) {
      return this.#entry('ERROR', 'motor', `GPIO conflict on pin 17, retry attempt ${this.#int(1, 3)}`, { product: this.#pick(PRODUCTS).name });
    }
    if (r < 0.67) {
      const expected = this.#int(40, 70);
      return this.#entry('WARN', 'flowmeter', 'Pulse count mismatch, recalibrating sensor', { expected, actual: expected - this.#int(1, 4) });
    }
    if (r < 0.77) {
      return this.#entry('WARN', 'temperature', 'Temperature above threshold', { celsius: Math.round((8 + this.#random() * 4) * 10) / 10, threshold_c: 8 });
    }
    if (r < 0.87) {
      const product = this.#pick(PRODUCTS);
      return this.#entry('WARN', 'inventory', `Low stock: ${product.name}`, { product: product.name, remaining: this.#int(0, 5) });
    }
    if (r < 0.96) return this.#entry('WARN', 'network', 'Cellular signal weak', { rssi_dbm: -this.#int(95, 110) });
    return this.#entry('ERROR', 'payment', 'ePort not responding', { attempt: this.#int(1, 5) });
  }

  #critical(): PrdEntry {
    const r = this.#random();
    if (r < 0.4) return this.#entry('CRITICAL', 'door', 'Door forced open - tamper detected', { sensor: `reed_${this.#int(1, 2)}` });
    if (r < 0.8) {
      const product = this.#pick(PRODUCTS);
      return this.#entry('CRITICAL', 'motor', 'Motor stall - dispenser jammed', { product: product.name, current_ma: this.#int(1800, 2600) });
    }
    return this.#entry('CRITICAL', 'temperature', 'Refrigeration failure', { celsius: Math.round((14 + this.#random() * 6) * 10) / 10 });
  }
}
