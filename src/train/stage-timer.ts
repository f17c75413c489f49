/**
 * Seconds per stage of a job, for its metrics and its log: `timed(stage, work)` runs the
 * work, adds its time to the stage (a stage run more than once sums) and logs it.
 */
export function stageTimer(log: (line: string) => void = () => {}) {
  const seconds: Record<string, number> = {};
  const timed = async <T>(stage: string, work: () => T | Promise<T>): Promise<T> => {
    const t0 = performance.now();
    const result = await work();
    const took = (performance.now() - t0) / 1000;
    seconds[stage] = (seconds[stage] ?? 0) + took;
    log(`${stage}: ${took.toFixed(2)} s`);
    return result;
  };
  return { seconds, timed };
}
