// The sampling every integration benchmark shares: rounds that interleave every workload
// with every mode (so drift on a noisy machine hits all alike), the first `warmup` rounds
// discarded, and the median of the rest per "workload/mode".

/**
 * Runs `run(workload, mode)` (which returns CPU ns per call) for `warmup + rounds` rounds
 * over every workload × mode; returns `{ "workload/mode": median ns }`.
 */
export async function medianRounds(workloads, modes, { rounds, warmup }, run) {
  const samples = {};
  for (const w of workloads) for (const m of modes) samples[`${w}/${m}`] = [];
  for (let round = -warmup; round < rounds; round++) {
    for (const w of workloads) {
      for (const m of modes) {
        const ns = await run(w, m);
        if (round >= 0) samples[`${w}/${m}`].push(ns);
      }
    }
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  return Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
}
