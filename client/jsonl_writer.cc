#include "client/jsonl_writer.h"

#include <utility>

#include "adapters/ghl/contacts/contact_mapping.h"

namespace ghl::client {

absl::StatusOr<std::unique_ptr<JsonlWriter>> JsonlWriter::Create(const std::string& path) {
  absl::StatusOr<std::unique_ptr<OutputFile>> file = OutputFile::Create(path);
  if (!file.ok()) return file.status();
  return std::unique_ptr<JsonlWriter>(new JsonlWriter(*std::move(file)));
}

absl::StatusOr<std::unique_ptr<JsonlWriter>> JsonlWriter::Reopen(const std::string& path, int64_t keep_bytes) {
  absl::StatusOr<std::unique_ptr<OutputFile>> file = OutputFile::Reopen(path, keep_bytes);
  if (!file.ok()) return file.status();
  return std::unique_ptr<JsonlWriter>(new JsonlWriter(*std::move(file)));
}

JsonlWriter::JsonlWriter(std::unique_ptr<OutputFile> file) : file_(std::move(file)) {}

absl::Status JsonlWriter::Write(const ghl::contacts::v1::Contact& contact) {
  line_ = ghl::contacts::ContactToJsonString(contact);
  line_.push_back('\n');
  return file_->Write(line_);
}

absl::Status JsonlWriter::Finish() { return file_->Commit(); }

void JsonlWriter::Abort() { file_->Abort(); }

}  // namespace ghl::client
