// RouteTable matching rules, and the sandbox's route table checked against
// apps/contacts.json: every operation, its method, path template and scope.
#include "tools/ghl-sandbox/route_table.h"

#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <tuple>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/sandbox/sandbox_test_util.h"

namespace ghl::sandbox {
namespace {

using ::ghl::sandbox::testing::ParseJson;
using ::ghl::sandbox::testing::SharedDir;
using ::ghl::sandbox::testing::TestTokens;

RouteTable<int> Table() {
  RouteTable<int> t;
  t.Add("GET", "/contacts/", "list", "r", 1);
  t.Add("GET", "/contacts/{contactId}", "get", "r", 2);
  t.Add("POST", "/contacts/search", "search", "r", 3);
  t.Add("GET", "/contacts/search/duplicate", "dup", "r", 4);
  t.Add("GET", "/contacts/{contactId}/tasks", "tasks", "r", 5);
  t.Add("DELETE", "/contacts/{contactId}/campaigns/{campaignId}", "leave", "w", 6);
  t.Add("DELETE", "/contacts/{contactId}/campaigns/removeAll", "leaveAll", "w", 7);
  t.Add("GET", "/contacts/business/{businessId}", "business", "r", 8);
  t.Add("POST", "/contacts/bulk/business", "bulk", "w", 9);
  t.Add("POST", "/contacts/{contactId}/tags", "tags", "w", 10);
  return t;
}

int Handler(const RouteTable<int>& t, const char* method, const char* path) {
  const auto m = t.Match(method, path);
  return m.entry ? m.entry->handler : 0;
}

TEST(RouteTableTest, LiteralSegmentsBeatParametersWhateverTheOrder) {
  const RouteTable<int> t = Table();
  EXPECT_EQ(Handler(t, "POST", "/contacts/search"), 3);
  EXPECT_EQ(Handler(t, "GET", "/contacts/search/duplicate"), 4);
  EXPECT_EQ(Handler(t, "GET", "/contacts/abc/tasks"), 5);
  EXPECT_EQ(Handler(t, "DELETE", "/contacts/abc/campaigns/removeAll"), 7);
  EXPECT_EQ(Handler(t, "DELETE", "/contacts/abc/campaigns/c1"), 6);
  EXPECT_EQ(Handler(t, "GET", "/contacts/business/b1"), 8);
  EXPECT_EQ(Handler(t, "POST", "/contacts/bulk/business"), 9);
  EXPECT_EQ(Handler(t, "POST", "/contacts/bulk/tags"), 10);  // contactId "bulk"
  // The method is matched first: GET /contacts/search is get with id "search".
  EXPECT_EQ(Handler(t, "GET", "/contacts/search"), 2);
}

TEST(RouteTableTest, ParametersAndSegmentsAreExact) {
  const RouteTable<int> t = Table();
  const auto m = t.Match("DELETE", "/contacts/c%20/campaigns/X1");
  ASSERT_NE(m.entry, nullptr);
  EXPECT_EQ(m.entry->operation_id, "leave");
  EXPECT_EQ(m.entry->scope, "w");
  EXPECT_EQ(m.params.size(), 2u);
  EXPECT_EQ(m.params.Get("contactId"), "c%20");
  EXPECT_EQ(m.params.Get("campaignId"), "X1");
  EXPECT_EQ(m.params.Get("nope"), "");
  EXPECT_EQ(Handler(t, "GET", "/contacts/"), 1);
  EXPECT_EQ(Handler(t, "GET", "/contacts"), 0);         // no trailing slash: no route
  EXPECT_EQ(Handler(t, "GET", "/contacts//tasks"), 0);  // a parameter is never empty
  EXPECT_EQ(Handler(t, "GET", "/contacts/a/b/c/d"), 0);
  EXPECT_EQ(Handler(t, "PATCH", "/contacts/a"), 0);
  EXPECT_EQ(Handler(t, "GET", ""), 0);
  EXPECT_EQ(Handler(t, "GET", "contacts/"), 0);
}

// Every operation of the spec is routed with its scope; nothing else is.
TEST(RouteTableTest, SandboxRoutesEveryOperationOfTheSpec) {
  std::ifstream in(SharedDir() + "/ghl-api/apps/contacts.json");
  std::stringstream text;
  text << in.rdbuf();
  const rapidjson::Document spec = ParseJson(text.str());
  ASSERT_TRUE(spec.IsObject());
  using Key = std::tuple<std::string, std::string, std::string>;  // method, path, operationId
  std::map<Key, std::string> expected;                            // -> scope
  for (const auto& path : spec["paths"].GetObject()) {
    for (const auto& op : path.value.GetObject()) {
      if (!op.value.IsObject() || !op.value.HasMember("operationId")) continue;
      std::string method = op.name.GetString();
      for (char& c : method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      // No `security` (the two bulk operations): the sandbox requires the write scope.
      std::string scope = "contacts.write";
      if (op.value.HasMember("security")) scope = op.value["security"][0]["bearer"][0].GetString();
      expected[{method, path.name.GetString(), op.value["operationId"].GetString()}] = scope;
    }
  }
  // The README and the issue say 31; the spec holds 32 operationIds.
  ASSERT_EQ(expected.size(), 32u);
  SandboxOptions options;
  options.tokens = TestTokens();
  auto service = SandboxService::Create(options);
  ASSERT_TRUE(service.ok());
  std::map<Key, std::string> routed;
  for (const auto& op : (*service)->Operations()) {
    routed[{op.method, op.path_template, op.operation_id}] = op.scope;
  }
  EXPECT_EQ(routed, expected);
}

}  // namespace
}  // namespace ghl::sandbox
