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
