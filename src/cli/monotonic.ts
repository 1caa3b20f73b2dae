/**
 * Milliseconds on the monotonic clock, for the CLI's timeouts and timings: what performance.now()
 * gives, read through process.hrtime instead, because the `performance` global loads node:perf_hooks
 * and seven internal modules with it at its first use (~1 ms of a cold start's CPU).
 */
export const monotonicMs = (): number => Number(process.hrtime.bigint()) / 1e6;
