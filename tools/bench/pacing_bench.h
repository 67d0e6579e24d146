// ghl-bench --pacing / --memory: issue 5's measurements (see pacing_bench.cc).
#ifndef GHL_TOOLS_BENCH_PACING_BENCH_H_
#define GHL_TOOLS_BENCH_PACING_BENCH_H_

namespace ghl::bench {

/// Runs the pacing measurement; `argv` holds its flags (without --pacing).
int RunPacingBench(int argc, char** argv);

}  // namespace ghl::bench

#endif  // GHL_TOOLS_BENCH_PACING_BENCH_H_
