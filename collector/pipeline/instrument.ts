// The host's wrappers around plugin consumers: they count (the fixed vocabulary) and stamp; plugins don't.
//   ReceiverOutput — what a receiver's `next` is: stamps service.resource, counts accepted / refused records.
//   ProcessorInput / ProcessorOutput — around a processor: records in, out, and dropped (in − out per consume()).
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Counter, LogsConsumer, Meter, Processor } from '../component/contract.js';
import type { Attributes, LogBatch } from '../component/log-record.js';
import { METRICS } from '../telemetry/metric-names.js';

export class ReceiverOutput implements LogsConsumer {
  readonly #next: LogsConsumer;
  readonly #resource: Readonly<Attributes>;
  readonly #stamp: boolean;
  readonly #bootId: string | undefined;
  readonly #accepted: Counter;
  readonly #refused: Counter;

  constructor(next: LogsConsumer, resource: Readonly<Attributes>, meter: Meter, bootId?: string) {
    this.#next = next;
    this.#resource = resource;
    this.#stamp = Object.keys(resource).length > 0;
    this.#bootId = bootId;
    this.#accepted = meter.counter(METRICS.receiverAcceptedRecords.name, METRICS.receiverAcceptedRecords.help);
    this.#refused = meter.counter(METRICS.receiverRefusedRecords.name, METRICS.receiverRefusedRecords.help);
  }

  /**
   * The batch goes on with `service.resource` underneath its own resource (what the source said wins), and every
   * record without a boot id gets this device's (DESIGN §3: a Pi's clock is suspect until synced, so the boot id
   * tells which boot a time belongs to). The records are the host's once consume() is called.
   */
  async consume(batch: LogBatch): Promise<void> {
    const count = batch.records.length;
    if (this.#bootId !== undefined) for (const record of batch.records) record.bootId ??= this.#bootId;
    const stamped = this.#stamp ? { resource: { ...this.#resource, ...batch.resource }, records: batch.records } : batch;
    try {
      await this.#next.consume(stamped);
    } catch (error) {
      this.#refused.add(count);
      throw error;
    }
    this.#accepted.add(count);
  }
}

const passedOn = new AsyncLocalStorage<{ records: number }>();

/** What a processor's `next` is: counts what it passes on, to the consume() call it belongs to. */
export class ProcessorOutput implements LogsConsumer {
  readonly #next: LogsConsumer;
  readonly #outgoing: Counter;

  constructor(next: LogsConsumer, meter: Meter) {
    this.#next = next;
    this.#outgoing = meter.counter(METRICS.processorOutgoingRecords.name, METRICS.processorOutgoingRecords.help);
  }

  consume(batch: LogBatch): Promise<void> {
    const call = passedOn.getStore();
    if (call) call.records += batch.records.length;
    this.#outgoing.add(batch.records.length);
    return this.#next.consume(batch);
  }
}

/** What feeds a processor: counts records in, and after the call, the ones it did not pass on. */
export class ProcessorInput implements LogsConsumer {
  readonly #processor: Processor;
  readonly #incoming: Counter;
  readonly #dropped: Counter;

  constructor(processor: Processor, meter: Meter) {
    this.#processor = processor;
    this.#incoming = meter.counter(METRICS.processorIncomingRecords.name, METRICS.processorIncomingRecords.help);
    this.#dropped = meter.counter(METRICS.processorDroppedRecords.name, METRICS.processorDroppedRecords.help);
  }

  get mutates(): boolean {
    return this.#processor.mutatesData;
  }

  async consume(batch: LogBatch): Promise<void> {
    const count = batch.records.length;
    this.#incoming.add(count);
    const call = { records: 0 };
    await passedOn.run(call, () => this.#processor.consume(batch));
    if (call.records < count) this.#dropped.add(count - call.records);
  }
}
