// ghl_api_coverage: prints `operations covered: N/M` for apps/contacts.json
// against the protos compiled into this binary, naming every missing
// operation and every annotation that contradicts the spec.
//
// Usage: ghl_api_coverage [--report] [--spec FILE]
//   --spec FILE  the OpenAPI document (default: $GHL_SHARED_DIR or the
//                configured shared folder, /ghl-api/apps/contacts.json).
//   --report     exit 0 while operations are still missing (a progress
//                report); an annotation that contradicts the spec still fails.
// Exit status: 0 all covered and consistent; 1 missing operations or
// problems; 2 usage error or unreadable inputs.
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "tests/support/subprocess.h"
#include "tests/unit/coverage/operation_coverage.h"

#ifndef GHL_PROTO_FILES
#error "GHL_PROTO_FILES (comma-separated proto file names) must be defined by the build"
#endif

namespace {

constexpr char kPackage[] = "ghl.contacts.v1";

int Main(const std::vector<std::string>& args) {
  bool report_only = false;
  std::string spec_path = ghl::testing::SharedDir() + "/ghl-api/apps/contacts.json";
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--report") {
      report_only = true;
    } else if (args[i] == "--spec" && i + 1 < args.size()) {
      spec_path = args[++i];
    } else {
      std::cerr << "usage: ghl_api_coverage [--report] [--spec FILE]\n";
      return 2;
    }
  }
  const std::string text = ghl::testing::ReadFile(spec_path);
  if (text.empty()) {
    std::cerr << "error: cannot read the spec " << spec_path << "\n";
    return 2;
  }
  absl::StatusOr<std::vector<ghl::coverage::ApiOperation>> spec = ghl::coverage::ReadSpecOperations(text);
  if (!spec.ok()) {
    std::cerr << "error: " << spec_path << ": " << spec.status().message() << "\n";
    return 2;
  }
  const std::vector<std::string> names = absl::StrSplit(GHL_PROTO_FILES, ',', absl::SkipEmpty());
  absl::StatusOr<std::vector<const google::protobuf::FileDescriptor*>> files = ghl::coverage::FindGeneratedFiles(names);
  if (!files.ok()) {
    std::cerr << "error: " << files.status().message() << "\n";
    return 2;
  }
  const ghl::coverage::CoverageReport report =
      ghl::coverage::CompareCoverage(*spec, ghl::coverage::CollectMethods(*files, kPackage));
  std::cout << "spec: " << spec_path << "\n" << ghl::coverage::FormatReport(report) << std::flush;
  if (!report.consistent()) return 1;
  if (!report.complete()) {
    if (report_only) {
      std::cout << "report mode: " << report.missing.size() << " operations still missing (not a failure)\n";
      return 0;
    }
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) { return Main(std::vector<std::string>(argv + 1, argv + argc)); }
