// ContactWriter: where ExportContacts' contacts go (a JSONL or CSV file).
//
// Why: ghlctl export and library users pick a format; the export loop only
// needs Write/Finish/Abort. Files appear at their final path only after a
// successful Finish() (see OutputFile), so a failed export leaves nothing
// that looks complete.
//
// Threading: not thread-safe; call from one thread (ExportContacts calls its
// sink on the calling thread). Ownership: a writer owns its files;
// destroying an unfinished writer aborts it.
#ifndef GHL_CLIENT_CONTACT_WRITER_H_
#define GHL_CLIENT_CONTACT_WRITER_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "ghl/contacts/v1/contact.pb.h"

namespace ghl::client {

/// Sink of exported contacts. See the file comment.
class ContactWriter {
 public:
  virtual ~ContactWriter() = default;

  /// Appends one contact.
  /// @return an I/O error (e.g. disk full); the writer is then unusable.
  virtual absl::Status Write(const ghl::contacts::v1::Contact& contact) = 0;

  /// Completes the file and moves it to its final path.
  virtual absl::Status Finish() = 0;

  /// Discards everything written. Idempotent; no-op after Finish.
  virtual void Abort() = 0;
};

/// Export file formats.
enum class ExportFormat {
  /// One contact per line, each GHL's own JSON for the contact.
  kJsonl,
  /// A flat table, see csv_writer.h.
  kCsv,
};

/// @param name "jsonl" or "csv" (case-sensitive).
/// @return the format, or INVALID_ARGUMENT naming the value.
absl::StatusOr<ExportFormat> ParseExportFormat(absl::string_view name);

/// @return "jsonl" or "csv".
absl::string_view ExportFormatName(ExportFormat format);

}  // namespace ghl::client

#endif  // GHL_CLIENT_CONTACT_WRITER_H_
