#include "client/output_file.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <utility>

#include "absl/strings/str_cat.h"

namespace ghl::client {
namespace {

constexpr size_t kBufferSize = 1 << 20;

absl::Status ErrnoError(int error, absl::string_view what, absl::string_view path) {
  // stdio does not promise errno on every failure; never let 0 read as OK.
  if (error == 0) return absl::UnknownError(absl::StrCat(what, " ", path));
  return absl::ErrnoToStatus(error, absl::StrCat(what, " ", path));
}

}  // namespace

absl::StatusOr<std::unique_ptr<OutputFile>> OutputFile::Create(const std::string& path) {
  // The file is renamed into place at the end: that would replace a symlink,
  // FIFO or device (e.g. /dev/stdout) with a regular file, so refuse those.
  struct stat st;
  if (::lstat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--out ", path, ": exists and is not a regular file (symlink, directory, FIFO or device); "
        "give a plain file path"));
  }
  std::string partial = absl::StrCat(path, ".partial");
  std::FILE* file = std::fopen(partial.c_str(), "wb");
  if (file == nullptr) return ErrnoError(errno, "cannot create", partial);
  // A large buffer: exports write many small records.
  std::setvbuf(file, nullptr, _IOFBF, kBufferSize);
  return std::unique_ptr<OutputFile>(new OutputFile(path, std::move(partial), file));
}

absl::StatusOr<std::unique_ptr<OutputFile>> OutputFile::Reopen(const std::string& path, int64_t keep_bytes) {
  std::string partial = absl::StrCat(path, ".partial");
  struct stat st;
  if (::lstat(partial.c_str(), &st) != 0) return ErrnoError(errno, "cannot open", partial);
  if (!S_ISREG(st.st_mode)) return absl::InvalidArgumentError(absl::StrCat(partial, " is not a regular file"));
  if (keep_bytes < 0 || st.st_size < keep_bytes) {
    return absl::FailedPreconditionError(absl::StrCat(partial, " holds ", st.st_size, " bytes, fewer than the ",
                                                      keep_bytes, " its checkpoint recorded; start the export anew"));
  }
  std::FILE* file = std::fopen(partial.c_str(), "r+b");
  if (file == nullptr) return ErrnoError(errno, "cannot open", partial);
  // Bytes past the checkpoint belong to a page that was never vouched for.
  if (::ftruncate(fileno(file), static_cast<off_t>(keep_bytes)) != 0 || std::fseek(file, 0, SEEK_END) != 0) {
    const int error = errno;
    std::fclose(file);
    return ErrnoError(error, "cannot truncate", partial);
  }
  std::setvbuf(file, nullptr, _IOFBF, kBufferSize);
  return std::unique_ptr<OutputFile>(new OutputFile(path, std::move(partial), file));
}

absl::StatusOr<int64_t> OutputFile::Flush() {
  if (file_ == nullptr) return absl::FailedPreconditionError(absl::StrCat(path_, " is closed"));
  if (std::fflush(file_) != 0) return ErrnoError(errno, "cannot write", partial_path_);
  const off_t at = ::ftello(file_);
  if (at < 0) return ErrnoError(errno, "cannot tell the size of", partial_path_);
  return static_cast<int64_t>(at);
}

void OutputFile::Keep() {
  if (file_ == nullptr) return;
  std::fflush(file_);
  std::fclose(file_);
  file_ = nullptr;
}

OutputFile::OutputFile(std::string path, std::string partial_path, std::FILE* file)
    : path_(std::move(path)), partial_path_(std::move(partial_path)), file_(file) {}

OutputFile::~OutputFile() { Abort(); }

absl::Status OutputFile::Write(absl::string_view bytes) {
  if (file_ == nullptr) return absl::FailedPreconditionError(absl::StrCat(path_, " is closed"));
  if (bytes.empty()) return absl::OkStatus();
  if (std::fwrite(bytes.data(), 1, bytes.size(), file_) != bytes.size()) {
    return ErrnoError(errno, "cannot write", partial_path_);
  }
  return absl::OkStatus();
}

absl::Status OutputFile::Commit() {
  if (file_ == nullptr) return absl::FailedPreconditionError(absl::StrCat(path_, " is closed"));
  if (std::fflush(file_) != 0) return ErrnoError(errno, "cannot write", partial_path_);
  if (::fsync(fileno(file_)) != 0) return ErrnoError(errno, "cannot sync", partial_path_);
  std::FILE* file = file_;
  file_ = nullptr;
  if (std::fclose(file) != 0) {
    int error = errno;
    std::remove(partial_path_.c_str());
    return ErrnoError(error, "cannot close", partial_path_);
  }
  if (std::rename(partial_path_.c_str(), path_.c_str()) != 0) {
    int error = errno;
    std::remove(partial_path_.c_str());
    return ErrnoError(error, "cannot rename to", path_);
  }
  return absl::OkStatus();
}

void OutputFile::Abort() {
  if (file_ == nullptr) return;
  std::fclose(file_);
  file_ = nullptr;
  std::remove(partial_path_.c_str());
}

}  // namespace ghl::client
