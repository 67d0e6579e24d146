// The gateway's configuration file format (--config FILE): one setting a
// line, `key = value`, keys equal to the long flag names without "--".
//
//   # a comment (whole line; a '#' inside a value is part of the value)
//   listen = 127.0.0.1:50051
//   tokens-file = /etc/ghl/tokens.json
//   port-file = ""          # quotes keep an empty value or edge spaces
//
// Blank lines and comment lines are skipped; spaces around the key and the
// value are trimmed; a value wrapped in double quotes loses the quotes (no
// escapes). A key may appear once. This file only splits lines: which keys
// exist and what values mean is the option table's business
// (gateway_config.cc).
//
// Thread-safety: pure functions.
// Errors: INVALID_ARGUMENT "FILE:LINE: key: reason" (or "FILE:LINE: reason"
// when the line has no key); the value is never part of a message, so a
// secret pasted by mistake is not echoed.
#ifndef GHL_SERVER_CONFIG_FILE_H_
#define GHL_SERVER_CONFIG_FILE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace ghl::server {

/// One `key = value` line of a config file.
struct ConfigEntry {
  std::string key;
  std::string value;
  int line = 0;  ///< 1-based
};

/// Splits `text` (the contents of `path`, used in messages) into entries.
absl::StatusOr<std::vector<ConfigEntry>> ParseConfigText(const std::string& path,
                                                         const std::string& text);

/// Reads and splits the file at `path`.
absl::StatusOr<std::vector<ConfigEntry>> ReadConfigFile(const std::string& path);

/// "FILE:LINE: key: reason" for an entry a later stage refused.
absl::Status ConfigEntryError(const std::string& path, const ConfigEntry& entry,
                              const std::string& reason);

}  // namespace ghl::server

#endif  // GHL_SERVER_CONFIG_FILE_H_
