// Reading Stoplight Prism's log in conformance tests: the lines in which
// Prism reports a problem with the traffic it proxied (a request or response
// that breaks the spec, an undocumented status, any warning).
//
// Thread-safety: pure function.
#ifndef GHL_TESTS_INTEGRATION_PRISM_LOG_H_
#define GHL_TESTS_INTEGRATION_PRISM_LOG_H_

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"

namespace ghl::testing {

/// The lines of `log` that report a problem with the traffic.
inline std::vector<std::string> PrismReportedProblems(const std::string& log) {
  std::vector<std::string> out;
  for (absl::string_view line : absl::StrSplit(log, '\n')) {
    // Prism marks problems with these; plain words would also match the
    // lorem-ipsum example paths it lists at start-up.
    const bool validator_complaint =
        absl::StrContains(line, "[VALIDATOR]") && !absl::StrContains(line, "\u2714");
    if (validator_complaint || absl::StrContains(line, "\u2716") ||
        absl::StrContains(line, "\u26a0") || absl::StrContains(line, "Violation")) {
      out.emplace_back(line);
    }
  }
  return out;
}

}  // namespace ghl::testing

#endif  // GHL_TESTS_INTEGRATION_PRISM_LOG_H_
