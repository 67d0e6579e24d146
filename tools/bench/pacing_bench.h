// ghl-bench --pacing / --memory: issue 5's measurements (see pacing_bench.cc).
#ifndef GHL_TOOLS_BENCH_PACING_BENCH_H_
#define GHL_TOOLS_BENCH_PACING_BENCH_H_

namespace ghl::bench {

/// Runs the pacing measurement; `argv` holds its flags (without --pacing).
int RunPacingBench(int argc, char** argv);

/// Runs the memory measurement; `argv` holds its flags (without --memory).
/// @param self argv[0] of ghl-bench (ghl-gateway is found next to it).
int RunMemoryBench(const char* self, int argc, char** argv);

}  // namespace ghl::bench

#endif  // GHL_TOOLS_BENCH_PACING_BENCH_H_
