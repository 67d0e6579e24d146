// Helpers shared by the ghl-sandbox unit tests: where the shared dataset
// lives, a standard set of test tokens, GHL request headers, and JSON
// helpers for comparing error bodies without their random traceId.
//
// Thread-safety: plain functions; use from test threads only.
#ifndef GHL_TESTS_UNIT_SANDBOX_SANDBOX_TEST_UTIL_H_
#define GHL_TESTS_UNIT_SANDBOX_SANDBOX_TEST_UTIL_H_

#include <httplib.h>

#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "rapidjson/document.h"
#include "tools/ghl-sandbox/contact_dto.h"
#include "tools/ghl-sandbox/sandbox_options.h"

namespace ghl::sandbox::testing {

inline constexpr char kDemoLocation[] = "ve9EPM428h8vShlRW1KT";
inline constexpr char kOtherLocation[] = "OtherLocation0000001";
inline constexpr char kReadWrite[] = "test-token-rw";
inline constexpr char kReadOnly[] = "test-token-ro";
inline constexpr char kWriteOnly[] = "test-token-wo";
inline constexpr char kOtherRw[] = "test-token-other";

/// The shared folder: $GHL_SHARED_DIR, else the build's default.
inline std::string SharedDir() {
  if (const char* env = std::getenv("GHL_SHARED_DIR"); env != nullptr && *env != '\0') return env;
  return GHL_SHARED_DIR_DEFAULT;
}

inline std::string DemoDir() { return SharedDir() + "/data/location-demo"; }

/// rw/ro/wo tokens for the demo location, and an rw token for another one.
inline std::vector<TokenGrant> TestTokens() {
  return {
      {kReadWrite, kDemoLocation, {"contacts.readonly", "contacts.write"}},
      {kReadOnly, kDemoLocation, {"contacts.readonly"}},
      {kWriteOnly, kDemoLocation, {"contacts.write"}},
      {kOtherRw, kOtherLocation, {"contacts.readonly", "contacts.write"}},
  };
}

/// The headers every GHL API request carries.
inline httplib::Headers Api(const std::string& token) {
  return {{"Version", "2021-07-28"}, {"Authorization", "Bearer " + token}};
}

inline rapidjson::Document ParseJson(const std::string& text) {
  rapidjson::Document doc;
  doc.Parse(text.data(), text.size());
  EXPECT_FALSE(doc.HasParseError()) << text;
  return doc;
}

/// Checks that `body` has a non-empty string traceId and returns the body
/// without it, compactly serialised (member order kept).
inline std::string WithoutTraceId(const std::string& body) {
  rapidjson::Document doc = ParseJson(body);
  if (!doc.IsObject()) return body;
  const auto it = doc.FindMember("traceId");
  EXPECT_TRUE(it != doc.MemberEnd() && it->value.IsString() && it->value.GetStringLength() > 0)
      << body;
  doc.EraseMember("traceId");
  return ToJson(doc);
}

inline std::vector<std::string> ReadLines(const std::string& path) {
  std::vector<std::string> lines;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

}  // namespace ghl::sandbox::testing

#endif  // GHL_TESTS_UNIT_SANDBOX_SANDBOX_TEST_UTIL_H_
