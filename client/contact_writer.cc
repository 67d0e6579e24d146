#include "client/contact_writer.h"

#include "absl/strings/str_cat.h"

namespace ghl::client {

absl::StatusOr<ExportFormat> ParseExportFormat(absl::string_view name) {
  if (name == "jsonl") return ExportFormat::kJsonl;
  if (name == "csv") return ExportFormat::kCsv;
  return absl::InvalidArgumentError(absl::StrCat("--format must be jsonl or csv, not '", name, "'"));
}

absl::string_view ExportFormatName(ExportFormat format) {
  switch (format) {
    case ExportFormat::kJsonl:
      return "jsonl";
    case ExportFormat::kCsv:
      return "csv";
  }
  return "unknown";
}

}  // namespace ghl::client
