// Helpers shared by the ghl-sandbox unit tests: where the shared dataset
// lives, a standard set of test tokens, GHL request headers, and JSON
// helpers for comparing error bodies without their random traceId.
//
// Thread-safety: plain functions; use from test threads only.
#ifndef GHL_TESTS_UNIT_SANDBOX_SANDBOX_TEST_UTIL_H_
#define GHL_TESTS_UNIT_SANDBOX_SANDBOX_TEST_UTIL_H_

#include <httplib.h>

#include "tests/support/shared_dir.h"

#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "rapidjson/document.h"
#include "tools/ghl-sandbox/contact_dto.h"
#include "tools/ghl-sandbox/sandbox_options.h"
#include "tools/ghl-sandbox/sandbox_service.h"

namespace ghl::sandbox::testing {

inline constexpr char kDemoLocation[] = "ve9EPM428h8vShlRW1KT";
inline constexpr char kOtherLocation[] = "OtherLocation0000001";
inline constexpr char kReadWrite[] = "test-token-rw";
inline constexpr char kReadOnly[] = "test-token-ro";
inline constexpr char kWriteOnly[] = "test-token-wo";
inline constexpr char kOtherRw[] = "test-token-other";

using ::ghl::testing::DemoDir;
using ::ghl::testing::SharedDir;

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

/// A SandboxService driven without sockets: test tokens, a fake clock, and
/// requests with GHL's headers.
class ServiceHarness {
 public:
  /// One answer: status, body and the body parsed.
  struct Reply {
    int status = 0;
    std::string body;
    rapidjson::Document json;
  };

  explicit ServiceHarness(SandboxOptions options) {
    options.tokens = TestTokens();
    options.clock = [this] { return now_; };
    options.rate_limit_max = 1000000;
    options.rate_limit_daily = 100000000;
    auto service = SandboxService::Create(std::move(options));
    EXPECT_TRUE(service.ok()) << service.status();
    if (service.ok()) service_ = *std::move(service);
  }

  /// A harness over `n` generated contacts (seed `seed`).
  static SandboxOptions Generated(int n, uint64_t seed = 1) {
    SandboxOptions o;
    o.generate_contacts = n;
    o.seed = seed;
    return o;
  }
  /// A harness over the demo dataset.
  static SandboxOptions Demo() {
    SandboxOptions o;
    o.data_dir = DemoDir();
    return o;
  }

  SandboxService& service() { return *service_; }
  void Advance(absl::Duration d) { now_ += d; }

  /// Sends one request; `path` may carry a query ("?a=b&c=d", unencoded).
  Reply Call(const std::string& method, const std::string& path, const std::string& body = "",
             const std::string& token = kReadWrite) {
    HttpRequest r;
    r.method = method;
    const size_t q = path.find('?');
    r.path = path.substr(0, q);
    if (q != std::string::npos) {
      std::string rest = path.substr(q + 1);
      while (!rest.empty()) {
        const size_t amp = rest.find('&');
        const std::string pair = rest.substr(0, amp);
        const size_t eq = pair.find('=');
        r.query.emplace_back(pair.substr(0, eq),
                             eq == std::string::npos ? "" : pair.substr(eq + 1));
        rest = amp == std::string::npos ? "" : rest.substr(amp + 1);
      }
    }
    r.headers["version"] = "2021-07-28";
    if (!token.empty()) r.headers["authorization"] = "Bearer " + token;
    r.headers["host"] = "sandbox.test";
    r.body = body;
    const HttpResponse response = service_->Handle(r);
    Reply reply;
    reply.status = response.status;
    reply.body = response.body;
    reply.json.Parse(response.body.data(), response.body.size());
    return reply;
  }

 private:
  absl::Time now_ = absl::FromUnixMillis(1625203106704);  // 2021-07-02T05:18:26.704Z
  std::unique_ptr<SandboxService> service_;
};

/// The `message` list of a 422 body.
inline std::vector<std::string> Messages(const rapidjson::Document& body) {
  std::vector<std::string> out;
  if (!body.IsObject() || !body.HasMember("message") || !body["message"].IsArray()) return out;
  for (const auto& m : body["message"].GetArray()) out.emplace_back(m.GetString());
  return out;
}

/// The string items of an array value.
inline std::vector<std::string> Strings(const rapidjson::Value& array) {
  std::vector<std::string> out;
  for (const auto& v : array.GetArray()) out.emplace_back(v.GetString(), v.GetStringLength());
  return out;
}

}  // namespace ghl::sandbox::testing

#endif  // GHL_TESTS_UNIT_SANDBOX_SANDBOX_TEST_UTIL_H_
