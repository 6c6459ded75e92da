// How far a collector child has got: fleetlog_exporter_sent_records_total summed over its exporters, from its
// /metrics (0 while it does not answer).
export async function sentRecords(metricsPort: number): Promise<number> {
  const text = await fetch(`http://127.0.0.1:${metricsPort}/metrics`).then((r) => r.text()).catch(() => '');
  return text.split('\n').filter((l) => l.startsWith('fleetlog_exporter_sent_records_total'))
    .reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0);
}
