// FaultInjector: the sandbox's deterministic fault plan. Each API request
// (not /_sandbox/ ones) gets the next request number n (1, 2, ...); every
// rule of the plan decides from (seed, n, rule index) alone whether it hits
// request n, so a run with the same seed and the same request order faults
// the same requests, whatever the timing.
//
// Kinds (spec `KIND[:key=value,...]`, e.g. `5xx:p=0.02,code=502`):
//   latency       added delay before the answer: `ms=250` (fixed), or
//                 `dist=uniform,min=100,max=400`, `dist=exponential,mean=250`,
//                 `dist=normal,mean=250,sd=50` (clipped at 0). Stacks with
//                 the other kinds.
//   429           a 429 burst answer (GHL's body and headers; the burst
//                 limiter does not count it).
//   5xx           `code=500..599` (default 503), GHL's error body; the
//                 operation does not run.
//   malformed     the operation runs; its 200 body is cut in half and ends
//                 in non-JSON text (Content-Length matches: valid HTTP).
//   truncated     the operation runs; the answer announces the whole body
//                 but the connection closes after half of it.
//   reset         the operation runs; the connection closes right after the
//                 headers, before any body byte.
//   slow          the operation runs; its body trickles at `bps=` bytes per
//                 second (default 2048).
//   token-expiry  401 "Invalid JWT" as for an expired access token; with
//                 `after=N` every request from the N-th on (a token that
//                 expired mid-run).
// Selection keys, for every kind: `p=` probability (default 1), `every=N`
// (only every N-th request), `after=N` (from request N on), `until=N`
// (before request N). At most one answer fault (every kind but latency)
// hits a request: the first rule, in plan order, that matches.
//
// Thread-safety: Next, SetPlan, Plan and Counts are safe to call
// concurrently (internally locked).
#ifndef GHL_TOOLS_GHL_SANDBOX_FAULT_INJECTOR_H_
#define GHL_TOOLS_GHL_SANDBOX_FAULT_INJECTOR_H_

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace ghl::sandbox {

enum class FaultKind { kLatency, k429, k5xx, kMalformed, kTruncated, kReset, kSlow, kTokenExpiry };

/// The spec name of a kind ("latency", "429", "5xx", ...).
const char* FaultKindName(FaultKind kind);

enum class LatencyDistribution { kFixed, kUniform, kExponential, kNormal };

/// One rule of a fault plan. See the file comment for the keys.
struct FaultRule {
  FaultKind kind = FaultKind::kLatency;
  double probability = 1.0;
  uint64_t every = 0;  ///< 0: every request is a candidate
  uint64_t after = 0;  ///< 0: from the first request
  uint64_t until = 0;  ///< 0: no end
  int status = 503;    ///< 5xx
  LatencyDistribution distribution = LatencyDistribution::kFixed;
  absl::Duration latency;           ///< fixed value, or mean (exponential, normal)
  absl::Duration latency_min;       ///< uniform
  absl::Duration latency_max;       ///< uniform
  absl::Duration latency_sd;        ///< normal
  int64_t bytes_per_second = 2048;  ///< slow
  /// The rule as a spec string (for the admin endpoint and logs).
  std::string spec;
};

/// A seed and rules in order.
struct FaultPlan {
  uint64_t seed = 1;
  std::vector<FaultRule> rules;
};

/// What happens to one request.
struct FaultDecision {
  uint64_t request_number = 0;
  absl::Duration delay;            ///< added latency (sum of latency rules)
  std::optional<FaultKind> fault;  ///< the answer fault, if any
  int status = 0;                  ///< for k5xx
  int64_t bytes_per_second = 0;    ///< for kSlow
};

/// Parses one `KIND[:key=value,...]` spec.
/// @return INVALID_ARGUMENT naming the spec and the bad key or value.
absl::StatusOr<FaultRule> ParseFaultRule(absl::string_view spec);

/// Parses the admin endpoint's body: `{"seed": 7, "faults": ["5xx:p=0.05",
/// {"kind": "latency", "ms": 250}, ...]}` (each fault a spec string or an
/// object whose members are the spec's keys).
absl::StatusOr<FaultPlan> ParseFaultPlanJson(absl::string_view json);

/// The deterministic fault source. See the file comment.
class FaultInjector {
 public:
  explicit FaultInjector(FaultPlan plan = {}) : plan_(std::move(plan)) {}

  /// Replaces the plan and restarts request numbering at 1.
  void SetPlan(FaultPlan plan);
  /// The current plan.
  FaultPlan Plan() const;
  /// The decision for the next API request.
  FaultDecision Next();
  /// Faults served per kind name since the last SetPlan.
  std::map<std::string, uint64_t> Counts() const;
  /// API requests numbered since the last SetPlan.
  uint64_t Requests() const;

 private:
  mutable std::mutex mu_;
  FaultPlan plan_;                          // guarded by mu_
  uint64_t next_ = 0;                       // guarded by mu_
  std::map<std::string, uint64_t> counts_;  // guarded by mu_
};

/// The plan as JSON (what GET /_sandbox/faults answers), with `counts`.
std::string FaultPlanJson(const FaultPlan& plan, const std::map<std::string, uint64_t>& counts,
                          uint64_t requests);

}  // namespace ghl::sandbox

#endif  // GHL_TOOLS_GHL_SANDBOX_FAULT_INJECTOR_H_
