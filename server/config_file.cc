#include "server/config_file.h"

#include <sys/stat.h>

#include <fstream>
#include <set>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace ghl::server {
namespace {

bool IsKeyChar(char c) { return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'; }

absl::Status LineError(const std::string& path, int line, const std::string& reason) {
  return absl::InvalidArgumentError(absl::StrCat(path, ":", line, ": ", reason));
}

}  // namespace

absl::Status ConfigEntryError(const std::string& path, const ConfigEntry& entry,
                              const std::string& reason) {
  return LineError(path, entry.line, absl::StrCat(entry.key, ": ", reason));
}

absl::StatusOr<std::vector<ConfigEntry>> ParseConfigText(const std::string& path,
                                                         const std::string& text) {
  std::vector<ConfigEntry> entries;
  std::set<std::string> seen;
  std::istringstream in(text);
  std::string raw;
  int line = 0;
  while (std::getline(in, raw)) {
    ++line;
    if (!raw.empty() && raw.back() == '\r') raw.pop_back();
    const std::string stripped(absl::StripAsciiWhitespace(raw));
    if (stripped.empty() || stripped[0] == '#') continue;
    if (stripped.find('\0') != std::string::npos) return LineError(path, line, "NUL byte in line");
    const auto eq = stripped.find('=');
    if (eq == std::string::npos) {
      return LineError(path, line, "expected `key = value` (or a # comment)");
    }
    ConfigEntry e;
    e.line = line;
    e.key = std::string(absl::StripAsciiWhitespace(stripped.substr(0, eq)));
    if (e.key.empty()) return LineError(path, line, "missing key before '='");
    for (char c : e.key) {
      if (!IsKeyChar(c)) {
        // The key itself may be garbage: name the line, not the text.
        return LineError(path, line, "a key is letters, digits, '-' and '_' (as the flag names)");
      }
    }
    e.value = std::string(absl::StripAsciiWhitespace(stripped.substr(eq + 1)));
    if (!e.value.empty() && e.value.front() == '"') {
      if (e.value.size() < 2 || e.value.back() != '"') {
        return ConfigEntryError(path, e, "unterminated \" in value");
      }
      e.value = e.value.substr(1, e.value.size() - 2);
    }
    if (!seen.insert(e.key).second) return ConfigEntryError(path, e, "set twice in the file");
    entries.push_back(std::move(e));
  }
  return entries;
}

absl::StatusOr<std::vector<ConfigEntry>> ReadConfigFile(const std::string& path) {
  // A directory opens as a stream and reads as empty: it would start the
  // gateway on defaults, as if the file had no lines.
  struct stat st;
  if (stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    return absl::InvalidArgumentError(absl::StrCat("--config: ", path, " is not a regular file"));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::InvalidArgumentError(absl::StrCat("--config: cannot read ", path));
  std::stringstream buf;
  buf << in.rdbuf();
  return ParseConfigText(path, buf.str());
}

}  // namespace ghl::server
