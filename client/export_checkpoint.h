// ExportCheckpoint: what `ghlctl export --resume` needs to continue an
// interrupted JSONL export: the listing it was (location, query, page size,
// fields), the resume token of the last page whose contacts are in
// "<out>.partial", and how many bytes of that file hold them.
//
// Written after every page as "<out>.partial.resume" (a temporary file
// renamed over the old one, so a kill leaves either the old or the new
// checkpoint, never half of one). Bytes the partial file holds past
// `bytes` belong to a page that was not finished; Reopen drops them.
//
// Thread-safety: plain value type; Save/Load are reentrant.
#ifndef GHL_CLIENT_EXPORT_CHECKPOINT_H_
#define GHL_CLIENT_EXPORT_CHECKPOINT_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace ghl::client {

/// See the file comment.
struct ExportCheckpoint {
  std::string location_id;
  std::string query;
  int32_t page_size = 0;
  /// The read mask, comma-joined as given ("" = all fields).
  std::string fields;
  std::string resume_token;
  int64_t bytes = 0;
  int64_t contacts = 0;
  int64_t pages = 0;

  /// The checkpoint path of an export to `out`.
  static std::string PathFor(const std::string& out) { return out + ".partial.resume"; }

  /// Writes the checkpoint to `path` atomically.
  /// @return an errno-derived error naming the path.
  absl::Status Save(const std::string& path) const;

  /// Reads a checkpoint.
  /// @return NOT_FOUND when there is none; INVALID_ARGUMENT (naming the
  ///         file) when it is not one this program wrote.
  static absl::StatusOr<ExportCheckpoint> Load(const std::string& path);
};

}  // namespace ghl::client

#endif  // GHL_CLIENT_EXPORT_CHECKPOINT_H_
