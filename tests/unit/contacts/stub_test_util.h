// Helpers of the task/note/appointment/tag stub tests: a FakeHttpTransport
// behind a stub with one known location, and the spec's example body of an
// operation's response (read from ../shared/ghl-api at test time).
#ifndef GHL_TESTS_UNIT_CONTACTS_STUB_TEST_UTIL_H_
#define GHL_TESTS_UNIT_CONTACTS_STUB_TEST_UTIL_H_

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>

#include "adapters/ghl/auth/token_source.h"
#include "adapters/ghl/contacts/contacts_stub.h"
#include "tests/support/fake_http_transport.h"
#include "tests/support/json_equivalence.h"
#include "tests/support/spec_examples.h"

namespace ghl::contacts::testing {

/// The base URL the stubs under test are built with.
inline constexpr char kBaseUrl[] = "http://ghl.test/";
/// The only location with a token.
inline constexpr char kLocation[] = "LOC1";

/// The example body of the `code` response of `method` (lower case) `path`,
/// e.g. ("get", "/contacts/{contactId}/tasks", "200").
inline std::string OperationExample(const std::string& method, const std::string& path,
                                    const std::string& code) {
  const auto& examples = ghl::testing::SpecExamples::Get();
  const rapidjson::Value& operation = examples.Operation(path, method);
  EXPECT_TRUE(operation.IsObject()) << method << " " << path;
  if (!operation.IsObject() || !operation["responses"].HasMember(code.c_str())) return "";
  const std::string ref =
      operation["responses"][code.c_str()]["content"]["application/json"]["schema"]["$ref"]
          .GetString();
  return examples.Example(ref.substr(ref.rfind('/') + 1));
}

/// A token source knowing kLocation only.
inline std::shared_ptr<auth::TokenSource> TestTokens() {
  return std::make_shared<auth::StaticTokenSource>(
      std::map<std::string, std::string>{{kLocation, "secret-token"}});
}

/// A request about `contact_id` of kLocation.
template <typename Request>
Request ForContact(const std::string& contact_id) {
  Request request;
  request.set_location_id(kLocation);
  request.set_contact_id(contact_id);
  return request;
}

/// Fixture: the stub `make` builds over a scripted transport, with the
/// base URL kBaseUrl and TestTokens().
template <typename StubT>
class ScriptedStubTest : public ::testing::Test {
 protected:
  using MakeStub = std::shared_ptr<StubT> (*)(std::shared_ptr<http::HttpTransport>, std::string,
                                              std::shared_ptr<auth::TokenSource>);
  explicit ScriptedStubTest(MakeStub make) : stub_(make(transport_, kBaseUrl, TestTokens())) {}

  std::shared_ptr<ghl::testing::FakeHttpTransport> transport_ =
      std::make_shared<ghl::testing::FakeHttpTransport>();
  std::shared_ptr<StubT> stub_;
  CallOptions options_;
};

/// Checks method, exact URL, the GHL headers and the JSON body of a request.
inline void ExpectRequest(const http::HttpRequest& request, const std::string& method,
                          const std::string& url, const std::string& body) {
  using ::testing::Contains;
  using ::testing::Pair;
  EXPECT_EQ(request.method, method);
  EXPECT_EQ(request.url, url);
  EXPECT_THAT(request.headers, Contains(Pair("Version", "2021-07-28")));
  EXPECT_THAT(request.headers, Contains(Pair("Authorization", "Bearer secret-token")));
  if (body.empty()) {
    EXPECT_EQ(request.body, "");
  } else {
    EXPECT_THAT(request.headers, Contains(Pair("Content-Type", "application/json")));
    EXPECT_TRUE(ghl::testing::SameJsonText(body, request.body));
  }
}

}  // namespace ghl::contacts::testing

#endif  // GHL_TESTS_UNIT_CONTACTS_STUB_TEST_UTIL_H_
