// JsonlWriter: writes contacts as JSON Lines.
//
// Each line is exactly the contact as GHL's own JSON
// (ghl::contacts::ContactToJsonString: camelCase names, unknown upstream
// members kept, timestamps as GHL formats them), compact, UTF-8 written raw
// (no \u escaping of non-ASCII), terminated by "\n". JSON escapes newlines
// inside strings, so one line is always one contact. No BOM.
//
// Threading and ownership: see ContactWriter.
#ifndef GHL_CLIENT_JSONL_WRITER_H_
#define GHL_CLIENT_JSONL_WRITER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "client/contact_writer.h"
#include "client/output_file.h"

namespace ghl::client {

/// See the file comment.
class JsonlWriter final : public ContactWriter {
 public:
  /// Opens "<path>.partial"; Finish() renames it to `path`.
  /// @return the writer, or the error of creating the file.
  static absl::StatusOr<std::unique_ptr<JsonlWriter>> Create(const std::string& path);

  /// Continues the "<path>.partial" of an interrupted export after its
  /// first `keep_bytes` (see OutputFile::Reopen).
  static absl::StatusOr<std::unique_ptr<JsonlWriter>> Reopen(const std::string& path, int64_t keep_bytes);

  absl::Status Write(const ghl::contacts::v1::Contact& contact) override;
  /// Flushes to the OS; @return the partial file's size (a checkpoint).
  absl::StatusOr<int64_t> Flush() { return file_->Flush(); }
  /// Closes and keeps the partial file for a later Reopen.
  void Keep() { file_->Keep(); }
  absl::Status Finish() override;
  void Abort() override;

 private:
  explicit JsonlWriter(std::unique_ptr<OutputFile> file);

  std::unique_ptr<OutputFile> file_;
  std::string line_;  // reused per contact
};

}  // namespace ghl::client

#endif  // GHL_CLIENT_JSONL_WRITER_H_
