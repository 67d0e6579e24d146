// OutputFile: a file written under a temporary name and renamed into place.
//
// Why: an export runs for minutes; if it fails half-way, a truncated
// contacts.csv must not look like a complete one. The data goes to
// "<path>.partial" and only Commit() (flush, fsync, rename) makes `path` appear.
// Abort() (or destruction without Commit) removes the partial file.
//
// Threading: not thread-safe; one writer thread. Ownership: owns the FILE*.
#ifndef GHL_CLIENT_OUTPUT_FILE_H_
#define GHL_CLIENT_OUTPUT_FILE_H_

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace ghl::client {

/// See the file comment.
class OutputFile {
 public:
  /// Creates (truncates) "<path>.partial".
  /// @return the open file, or an errno-derived error naming the path.
  static absl::StatusOr<std::unique_ptr<OutputFile>> Create(const std::string& path);

  ~OutputFile();
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  /// Reopens the "<path>.partial" an interrupted export left, keeps its
  /// first `keep_bytes` (what its checkpoint vouches for) and appends after.
  /// @return NOT_FOUND without a partial file; FAILED_PRECONDITION when it
  ///         is shorter than `keep_bytes` (it is not the checkpoint's file).
  static absl::StatusOr<std::unique_ptr<OutputFile>> Reopen(const std::string& path, int64_t keep_bytes);

  /// Hands everything written so far to the OS (survives this process
  /// being killed) and returns the partial file's size.
  absl::StatusOr<int64_t> Flush();

  /// Closes and keeps the partial file (an export to be resumed).
  void Keep();

  /// Appends bytes (buffered).
  /// @return an errno-derived error on a write failure (e.g. disk full).
  absl::Status Write(absl::string_view bytes);

  /// Flushes, fsyncs and renames the partial file to the final path.
  absl::Status Commit();

  /// Closes and removes the partial file. Idempotent; no-op after Commit.
  void Abort();

  /// @return the final path.
  const std::string& path() const { return path_; }

 private:
  OutputFile(std::string path, std::string partial_path, std::FILE* file);

  std::string path_;
  std::string partial_path_;
  std::FILE* file_;
};

}  // namespace ghl::client

#endif  // GHL_CLIENT_OUTPUT_FILE_H_
