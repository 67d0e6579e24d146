// Text, time, id and randomness helpers for ghl-sandbox: UTF-8 lowercasing
// (the `*LowerCase` contact fields and `query` matching), GHL's ISO-8601
// millisecond timestamps, email/phone checks, 20-character GHL-style ids and a
// small deterministic generator so generated data is identical for a seed on
// every platform (std:: distributions are implementation-defined).
//
// Thread-safety: free functions are pure and safe to call concurrently.
// SplitMix64 is a value type; do not share one instance between threads
// without external locking.
#ifndef GHL_TOOLS_GHL_SANDBOX_TEXT_UTIL_H_
#define GHL_TOOLS_GHL_SANDBOX_TEXT_UTIL_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace ghl::sandbox {

/// Lowercases ASCII, Latin-1, Latin Extended-A/Additional, Greek, Cyrillic
/// and fullwidth Latin letters; every other code point (CJK, Arabic, ...) and
/// any invalid byte is copied unchanged.
std::string Utf8ToLower(absl::string_view text);

/// Parses `YYYY-MM-DDTHH:MM:SS[.fff]Z` (GHL's timestamp format).
/// @return milliseconds since the Unix epoch, or nullopt when malformed.
std::optional<int64_t> ParseIsoMillis(absl::string_view text);

/// Parses the ISO 8601 forms class-validator's IsISO8601 accepts in practice:
/// `YYYY-MM-DD`, optionally followed by `THH:MM[:SS[.fraction]]` and a zone
/// (`Z`, `+HH:MM`, `+HHMM`, `+HH`; none means UTC).
/// @return milliseconds since the Unix epoch, or nullopt when malformed.
std::optional<int64_t> ParseIso8601(absl::string_view text);

/// Formats milliseconds since the epoch as `2021-07-02T05:18:26.704Z`.
std::string FormatIsoMillis(int64_t millis);

/// Formats the UTC calendar day of `millis` as `YYYY-MM-DD`.
std::string FormatIsoDate(int64_t millis);

/// A pragmatic version of class-validator's isEmail: one `@`, a non-empty
/// local part without spaces, and a dotted domain whose last label has at
/// least two letters.
bool LooksLikeEmail(absl::string_view text);

/// Normalises a phone number to E.164-like `+DIGITS`: spaces, dashes, dots
/// and parentheses are dropped; ten digits without `+` are taken as a North
/// American number (`+1` prefix, as GHL does for US locations).
/// @return nullopt when anything else remains or there are fewer than 5 or
///         more than 15 digits.
std::optional<std::string> NormalizePhone(absl::string_view text);

/// Percent-encodes a URL query component (RFC 3986 unreserved kept).
std::string UrlEncode(absl::string_view text);

/// SplitMix64: a tiny, fast, fully specified 64-bit generator.
class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}
  /// The next 64 random bits.
  uint64_t Next();
  /// Uniform in [0, n); n must be > 0.
  uint64_t Uniform(uint64_t n);
  /// Uniform in [lo, hi] (inclusive).
  int64_t Between(int64_t lo, int64_t hi);
  /// True with probability `percent` / 100.
  bool Percent(int percent);

 private:
  uint64_t state_;
};

/// Mixes a seed and a stream index into an independent seed (so contact i
/// can be generated without generating contacts 0..i-1 first).
uint64_t MixSeed(uint64_t seed, uint64_t stream);

/// A GHL-style id: `length` characters from [A-Za-z0-9].
std::string RandomAlnumId(SplitMix64& rng, size_t length = 20);

/// A random RFC 4122 version-4 UUID string for `traceId`s (not
/// deterministic; uses a per-thread generator seeded from the OS).
std::string NewTraceId();

}  // namespace ghl::sandbox

#endif  // GHL_TOOLS_GHL_SANDBOX_TEXT_UTIL_H_
