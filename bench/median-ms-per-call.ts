// Wall-clock milliseconds per call of a synchronous function: median over `rounds` rounds of `msPerRound` each,
// after 50 warm-up calls (what the encoder micro-benches report).
export function medianMsPerCall(call: () => unknown, rounds: number, msPerRound: number): number {
  for (let i = 0; i < 50; i += 1) call(); // warm-up
  const perCall: number[] = [];
  for (let round = 0; round < rounds; round += 1) {
    let calls = 0;
    const start = process.hrtime.bigint();
    let elapsedMs = 0;
    while (elapsedMs < msPerRound) {
      call();
      calls += 1;
      elapsedMs = Number(process.hrtime.bigint() - start) / 1e6;
    }
    perCall.push(elapsedMs / calls);
  }
  perCall.sort((a, b) => a - b);
  return perCall[Math.floor(perCall.length / 2)]!;
}
