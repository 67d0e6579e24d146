// End-to-end tests of ghl::sandbox::Sandbox over real sockets: an in-process
// server on port 0 and cpp-httplib's client.
#include "tools/ghl-sandbox/sandbox.h"

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <memory>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/sandbox/sandbox_test_util.h"
#include "tools/ghl-sandbox/text_util.h"

namespace ghl::sandbox {
namespace {

using ::ghl::sandbox::testing::Api;
using ::ghl::sandbox::testing::DemoDir;
using ::ghl::sandbox::testing::kDemoLocation;
using ::ghl::sandbox::testing::kOtherLocation;
using ::ghl::sandbox::testing::kOtherRw;
using ::ghl::sandbox::testing::kReadOnly;
using ::ghl::sandbox::testing::kReadWrite;
using ::ghl::sandbox::testing::kWriteOnly;
using ::ghl::sandbox::testing::ParseJson;
using ::ghl::sandbox::testing::ReadLines;
using ::ghl::sandbox::testing::TestTokens;
using ::ghl::sandbox::testing::WithoutTraceId;

SandboxOptions DemoOptions() {
  SandboxOptions o;
  o.data_dir = DemoDir();
  o.tokens = TestTokens();
  o.rate_limit_max = 1000000;
  o.rate_limit_daily = 100000000;
  return o;
}

std::unique_ptr<Sandbox> StartSandbox(SandboxOptions options) {
  auto sandbox = std::make_unique<Sandbox>(std::move(options));
  const absl::Status status = sandbox->Start();
  EXPECT_TRUE(status.ok()) << status;
  return sandbox;
}

std::string ListPath(const std::string& extra) {
  return absl::StrCat("/contacts/?locationId=", kDemoLocation, extra);
}

// One demo sandbox shared by the read-only tests.
class DemoSandboxTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { sandbox_ = StartSandbox(DemoOptions()).release(); }
  static void TearDownTestSuite() {
    delete sandbox_;
    sandbox_ = nullptr;
  }
  httplib::Client Client() const { return httplib::Client("127.0.0.1", sandbox_->port()); }

  static Sandbox* sandbox_;
};

Sandbox* DemoSandboxTest::sandbox_ = nullptr;

TEST_F(DemoSandboxTest, MissingVersionHeaderIs400) {
  auto res = Client().Get("/contacts/mtNB4L954X2WrXeHSrHJ",
                          httplib::Headers{{"Authorization", std::string("Bearer ") + kReadWrite}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_EQ(WithoutTraceId(res->body), R"({"statusCode":400,"message":"Version header was not found"})");
}

TEST_F(DemoSandboxTest, WrongVersionHeaderIs400) {
  auto res = Client().Get("/contacts/mtNB4L954X2WrXeHSrHJ",
                          httplib::Headers{{"Version", "2021-04-15"},
                                           {"Authorization", std::string("Bearer ") + kReadWrite}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
}

TEST_F(DemoSandboxTest, MissingOrUnknownTokenIs401) {
  constexpr char kInvalid[] =
      R"({"statusCode":401,"message":"Invalid token: access token is invalid","error":"Unauthorized"})";
  auto missing = Client().Get("/contacts/mtNB4L954X2WrXeHSrHJ", httplib::Headers{{"Version", "2021-07-28"}});
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 401);
  EXPECT_EQ(WithoutTraceId(missing->body), kInvalid);
  auto unknown = Client().Get("/contacts/mtNB4L954X2WrXeHSrHJ", Api("no-such-token"));
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 401);
  EXPECT_EQ(WithoutTraceId(unknown->body), kInvalid);
  EXPECT_FALSE(unknown->has_header("X-RateLimit-Remaining"));
}

TEST_F(DemoSandboxTest, ScopesAreIndependent) {
  constexpr char kScope[] =
      R"({"statusCode":401,"message":"The token is not authorized for this scope.","error":"Unauthorized"})";
  auto read_with_write_only = Client().Get("/contacts/mtNB4L954X2WrXeHSrHJ", Api(kWriteOnly));
  ASSERT_TRUE(read_with_write_only);
  EXPECT_EQ(read_with_write_only->status, 401);
  EXPECT_EQ(WithoutTraceId(read_with_write_only->body), kScope);
  auto delete_with_read_only = Client().Delete("/contacts/mtNB4L954X2WrXeHSrHJ", Api(kReadOnly));
  ASSERT_TRUE(delete_with_read_only);
  EXPECT_EQ(delete_with_read_only->status, 401);
  EXPECT_EQ(WithoutTraceId(delete_with_read_only->body), kScope);
  auto create_with_read_only = Client().Post(
      "/contacts/", Api(kReadOnly), absl::StrCat(R"({"locationId":")", kDemoLocation, R"("})"),
      "application/json");
  ASSERT_TRUE(create_with_read_only);
  EXPECT_EQ(create_with_read_only->status, 401);
}

TEST_F(DemoSandboxTest, OtherLocationIs403) {
  constexpr char kForbidden[] =
      R"({"statusCode":403,"message":"The token does not have access to this location."})";
  auto by_query = Client().Get(ListPath(""), Api(kOtherRw));
  ASSERT_TRUE(by_query);
  EXPECT_EQ(by_query->status, 403);
  EXPECT_EQ(WithoutTraceId(by_query->body), kForbidden);
  auto by_contact = Client().Get("/contacts/mtNB4L954X2WrXeHSrHJ", Api(kOtherRw));
  ASSERT_TRUE(by_contact);
  EXPECT_EQ(by_contact->status, 403);
  EXPECT_EQ(WithoutTraceId(by_contact->body), kForbidden);
  auto by_body = Client().Post("/contacts/", Api(kReadWrite),
                               absl::StrCat(R"({"locationId":")", kOtherLocation, R"("})"),
                               "application/json");
  ASSERT_TRUE(by_body);
  EXPECT_EQ(by_body->status, 403);
  auto delete_other = Client().Delete("/contacts/mtNB4L954X2WrXeHSrHJ", Api(kOtherRw));
  ASSERT_TRUE(delete_other);
  EXPECT_EQ(delete_other->status, 403);
}

TEST_F(DemoSandboxTest, UnknownContactAndUnknownPathAre404) {
  auto contact = Client().Get("/contacts/doesNotExist00000000", Api(kReadWrite));
  ASSERT_TRUE(contact);
  EXPECT_EQ(contact->status, 404);
  EXPECT_EQ(WithoutTraceId(contact->body), R"({"statusCode":404,"message":"Contact not found"})");
  auto path = Client().Get("/x", Api(kReadWrite));
  ASSERT_TRUE(path);
  EXPECT_EQ(path->status, 404);
  EXPECT_EQ(WithoutTraceId(path->body),
            R"({"statusCode":404,"message":"Cannot GET /x","error":"Not Found"})");
  auto no_slash = Client().Get(absl::StrCat("/contacts?locationId=", kDemoLocation), Api(kReadWrite));
  ASSERT_TRUE(no_slash);
  EXPECT_EQ(no_slash->status, 404);
}

TEST_F(DemoSandboxTest, ServesStoredContactsByteForByte) {
  const std::vector<std::string> lines = ReadLines(DemoDir() + "/contacts.jsonl");
  ASSERT_EQ(lines.size(), 5000u);
  for (size_t i : {size_t{0}, size_t{1}, size_t{2}, size_t{4999}}) {
    const rapidjson::Document line = ParseJson(lines[i]);
    const std::string id = line["id"].GetString();
    auto res = Client().Get("/contacts/" + id, Api(kReadOnly));
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200);
    EXPECT_EQ(res->body, absl::StrCat("{\"contact\":", lines[i], "}"));
    EXPECT_EQ(res->get_header_value("Content-Type"), "application/json; charset=utf-8");
  }
  // The second demo contact is Arabic: its UTF-8 must come back unescaped.
  auto res = Client().Get("/contacts/mtNB4L954X2WrXeHSrHJ", Api(kReadOnly));
  ASSERT_TRUE(res);
  EXPECT_THAT(res->body, ::testing::HasSubstr("\"firstName\":\"فاطمه\""));
  EXPECT_THAT(res->body, ::testing::Not(::testing::HasSubstr("\\u")));
}

TEST_F(DemoSandboxTest, EveryApiResponseCarriesRateLimitHeaders) {
  auto res = Client().Get("/contacts/mtNB4L954X2WrXeHSrHJ", Api(kReadOnly));
  ASSERT_TRUE(res);
  for (const char* h : {"X-RateLimit-Limit-Daily", "X-RateLimit-Daily-Remaining",
                        "X-RateLimit-Interval-Milliseconds", "X-RateLimit-Max", "X-RateLimit-Remaining",
                        "X-Request-Id"}) {
    EXPECT_TRUE(res->has_header(h)) << h;
  }
  auto not_found = Client().Get("/contacts/doesNotExist00000000", Api(kReadOnly));
  ASSERT_TRUE(not_found);
  EXPECT_TRUE(not_found->has_header("X-RateLimit-Remaining"));
}

TEST_F(DemoSandboxTest, PagingLimit100YieldsEveryContactOnceIn50Pages) {
  absl::flat_hash_set<std::string> expected;
  for (const auto& line : ReadLines(DemoDir() + "/contacts.jsonl")) {
    expected.insert(ParseJson(line)["id"].GetString());
  }
  ASSERT_EQ(expected.size(), 5000u);

  httplib::Client client = Client();
  std::vector<std::string> ids;
  std::string cursor;
  int pages = 0;
  int64_t last_date = -1;
  while (true) {
    auto res = client.Get(ListPath("&limit=100" + cursor), Api(kReadOnly));
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 200) << res->body;
    ++pages;
    ASSERT_LE(pages, 50) << "more pages than expected";
    const rapidjson::Document page = ParseJson(res->body);
    const auto& contacts = page["contacts"];
    EXPECT_EQ(contacts.Size(), 100u);
    EXPECT_EQ(page["count"].GetInt(), 5000);
    const auto& meta = page["meta"];
    EXPECT_EQ(meta["total"].GetInt(), 5000);
    EXPECT_EQ(meta["currentPage"].GetInt(), pages);
    if (pages == 1) {
      EXPECT_TRUE(meta["prevPage"].IsNull());
    } else {
      EXPECT_EQ(meta["prevPage"].GetInt(), pages - 1);
    }
    for (const auto& c : contacts.GetArray()) {
      ids.push_back(c["id"].GetString());
      const int64_t date = *ParseIsoMillis(c["dateAdded"].GetString());
      EXPECT_GE(date, last_date);
      last_date = date;
    }
    if (meta["startAfterId"].IsNull()) {
      EXPECT_TRUE(meta["startAfter"].IsNull());
      EXPECT_TRUE(meta["nextPage"].IsNull());
      EXPECT_TRUE(meta["nextPageUrl"].IsNull());
      break;
    }
    EXPECT_EQ(meta["startAfterId"].GetString(), ids.back());
    EXPECT_EQ(meta["nextPage"].GetInt(), pages + 1);
    EXPECT_THAT(meta["nextPageUrl"].GetString(),
                ::testing::HasSubstr(absl::StrCat("startAfterId=", ids.back())));
    cursor = absl::StrCat("&startAfterId=", meta["startAfterId"].GetString(),
                          "&startAfter=", meta["startAfter"].GetInt64());
  }
  EXPECT_EQ(pages, 50);
  EXPECT_EQ(ids.size(), 5000u);
  const absl::flat_hash_set<std::string> unique(ids.begin(), ids.end());
  EXPECT_EQ(unique, expected);
}

TEST_F(DemoSandboxTest, CursorIsStrictlyAfterDateAndId) {
  httplib::Client client = Client();
  auto first = client.Get(ListPath("&limit=10"), Api(kReadOnly));
  ASSERT_TRUE(first);
  const rapidjson::Document page = ParseJson(first->body);
  const auto& c3 = page["contacts"][3];
  const int64_t ms = *ParseIsoMillis(c3["dateAdded"].GetString());
  auto after = client.Get(
      ListPath(absl::StrCat("&limit=2&startAfter=", ms, "&startAfterId=", c3["id"].GetString())),
      Api(kReadOnly));
  ASSERT_TRUE(after);
  const rapidjson::Document next = ParseJson(after->body);
  ASSERT_EQ(next["contacts"].Size(), 2u);
  EXPECT_STREQ(next["contacts"][0]["id"].GetString(), page["contacts"][4]["id"].GetString());
  EXPECT_STREQ(next["contacts"][1]["id"].GetString(), page["contacts"][5]["id"].GetString());
  // Position 4 of 5000 with limit 2 is page 3.
  EXPECT_EQ(next["meta"]["currentPage"].GetInt(), 3);

  // startAfterId alone resumes after that contact.
  auto by_id = client.Get(ListPath(absl::StrCat("&limit=1&startAfterId=", c3["id"].GetString())),
                          Api(kReadOnly));
  ASSERT_TRUE(by_id);
  EXPECT_STREQ(ParseJson(by_id->body)["contacts"][0]["id"].GetString(),
               page["contacts"][4]["id"].GetString());

  // A cursor past the end is the (empty) last page.
  auto past = client.Get(ListPath("&startAfter=99999999999999"), Api(kReadOnly));
  ASSERT_TRUE(past);
  const rapidjson::Document empty = ParseJson(past->body);
  EXPECT_EQ(empty["contacts"].Size(), 0u);
  EXPECT_TRUE(empty["meta"]["nextPage"].IsNull());
  EXPECT_EQ(empty["count"].GetInt(), 5000);
}

TEST_F(DemoSandboxTest, QueryMatchesNameEmailPhoneCompanyCaseInsensitively) {
  size_t expected = 0;
  for (const auto& line : ReadLines(DemoDir() + "/contacts.jsonl")) {
    const rapidjson::Document c = ParseJson(line);
    for (const char* field : {"name", "email", "phone", "companyName"}) {
      if (c.HasMember(field) && absl::StrContains(absl::AsciiStrToLower(c[field].GetString()), "schuster")) {
        ++expected;
        break;
      }
    }
  }
  ASSERT_GT(expected, 0u);
  auto res = Client().Get(ListPath("&limit=100&query=SchUSTER"), Api(kReadOnly));
  ASSERT_TRUE(res);
  const rapidjson::Document page = ParseJson(res->body);
  EXPECT_EQ(page["count"].GetUint64(), expected);
  EXPECT_EQ(page["contacts"].Size(), expected);
  EXPECT_TRUE(page["meta"]["nextPage"].IsNull());
}

TEST_F(DemoSandboxTest, ListValidationIs422WithListMessages) {
  httplib::Client client = Client();
  auto missing = client.Get("/contacts/", Api(kReadOnly));
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 422);
  EXPECT_EQ(WithoutTraceId(missing->body),
            R"({"statusCode":422,"message":["locationId should not be empty"],"error":"Unprocessable Entity"})");
  for (const char* bad : {"101", "abc", "0"}) {
    auto res = client.Get(ListPath(absl::StrCat("&limit=", bad)), Api(kReadOnly));
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 422) << bad;
    const rapidjson::Document doc = ParseJson(res->body);
    ASSERT_TRUE(doc["message"].IsArray());
    EXPECT_EQ(doc["message"].Size(), 1u);
  }
  auto too_big = client.Get(ListPath("&limit=101"), Api(kReadOnly));
  ASSERT_TRUE(too_big);
  EXPECT_STREQ(ParseJson(too_big->body)["message"][0].GetString(), "limit must not be greater than 100");
  auto defaults = client.Get(ListPath(""), Api(kReadOnly));
  ASSERT_TRUE(defaults);
  EXPECT_EQ(ParseJson(defaults->body)["contacts"].Size(), 20u);
}

TEST_F(DemoSandboxTest, AdminEndpoints) {
  httplib::Client client = Client();
  auto health = client.Get("/_sandbox/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  EXPECT_EQ(health->body, "ok");
  auto stats = client.Get("/_sandbox/stats");
  ASSERT_TRUE(stats);
  EXPECT_EQ(stats->status, 200);
  const rapidjson::Document doc = ParseJson(stats->body);
  EXPECT_TRUE(doc["requests"].IsUint64());
  EXPECT_TRUE(doc["byStatus"].IsObject());
  EXPECT_TRUE(doc["rateLimited429"].IsUint64());
}

TEST(SandboxCrudTest, CreateGetUpdateDelete) {
  auto sandbox = StartSandbox(DemoOptions());
  httplib::Client client("127.0.0.1", sandbox->port());
  const std::string create_body = absl::StrCat(R"({"locationId":")", kDemoLocation, R"(",)",
      R"("firstName":"Zoë","lastName":"Ōtani","email":"Zoe.Otani@Example.com","phone":"+1 415-555-0101",)",
      R"("companyName":"Ōtani, Kōgyō & Co","tags":["follow-up, urgent","  spaced  ","follow-up, urgent","見込み客"],)",
      R"("dndSettings":{"SMS":{"status":"active","message":"","code":""}},)",
      R"("customFields":[{"key":"contact.lead_score","field_value":42},{"id":"6RxMzAw9qfSJNlhsjOee","field_value":"SaaS"}]})");
  auto created = client.Post("/contacts/", Api(kReadWrite), create_body, "application/json");
  ASSERT_TRUE(created);
  ASSERT_EQ(created->status, 201) << created->body;
  const rapidjson::Document c = ParseJson(created->body);
  const auto& contact = c["contact"];
  const std::string id = contact["id"].GetString();
  EXPECT_TRUE(std::regex_match(id, std::regex("[A-Za-z0-9]{20}"))) << id;
  EXPECT_TRUE(std::regex_match(std::string(contact["dateAdded"].GetString()),
                               std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)")));
  EXPECT_STREQ(contact["name"].GetString(), "Zoë Ōtani");
  EXPECT_STREQ(contact["fullNameLowerCase"].GetString(), "zoë ōtani");
  EXPECT_STREQ(contact["emailLowerCase"].GetString(), "zoe.otani@example.com");
  EXPECT_STREQ(contact["phone"].GetString(), "+14155550101");
  EXPECT_STREQ(contact["locationId"].GetString(), kDemoLocation);
  ASSERT_EQ(contact["tags"].Size(), 3u);
  EXPECT_STREQ(contact["tags"][0].GetString(), "follow-up, urgent");
  EXPECT_STREQ(contact["tags"][1].GetString(), "  spaced  ");
  EXPECT_STREQ(contact["tags"][2].GetString(), "見込み客");
  EXPECT_EQ(contact["followers"].Size(), 0u);
  ASSERT_EQ(contact["customFields"].Size(), 2u);
  EXPECT_STREQ(contact["customFields"][0]["id"].GetString(), "YjfhkolJ64cbOyxZvVrs");
  EXPECT_EQ(contact["customFields"][0]["value"].GetInt(), 42);

  auto got = client.Get("/contacts/" + id, Api(kReadOnly));
  ASSERT_TRUE(got);
  EXPECT_EQ(got->status, 200);
  EXPECT_EQ(got->body, created->body);

  auto duplicate = client.Post(
      "/contacts/", Api(kReadWrite),
      absl::StrCat(R"({"locationId":")", kDemoLocation, R"(","email":"zoe.otani@example.com"})"),
      "application/json");
  ASSERT_TRUE(duplicate);
  EXPECT_EQ(duplicate->status, 400);
  EXPECT_EQ(WithoutTraceId(duplicate->body),
            absl::StrCat(R"({"statusCode":400,"message":"This location does not allow duplicated contacts.",)",
                         R"("meta":{"contactName":"Zoë Ōtani","contactId":")", id,
                         R"(","matchingField":"email"}})"));

  auto updated = client.Put("/contacts/" + id, Api(kReadWrite),
                            R"({"firstName":"Chloé","email":null,"tags":["vip"],)"
                            R"("customFields":[{"id":"YjfhkolJ64cbOyxZvVrs","field_value":null}]})",
                            "application/json");
  ASSERT_TRUE(updated);
  ASSERT_EQ(updated->status, 200) << updated->body;
  const rapidjson::Document u = ParseJson(updated->body);
  EXPECT_TRUE(u["succeded"].GetBool());
  const auto& after = u["contact"];
  EXPECT_FALSE(after.HasMember("email"));
  EXPECT_FALSE(after.HasMember("emailLowerCase"));
  EXPECT_STREQ(after["name"].GetString(), "Chloé Ōtani");
  EXPECT_STREQ(after["firstNameLowerCase"].GetString(), "chloé");
  ASSERT_EQ(after["tags"].Size(), 1u);
  EXPECT_STREQ(after["tags"][0].GetString(), "vip");
  ASSERT_EQ(after["customFields"].Size(), 1u);
  EXPECT_STREQ(after["customFields"][0]["id"].GetString(), "6RxMzAw9qfSJNlhsjOee");
  EXPECT_STREQ(after["phone"].GetString(), "+14155550101");

  auto got_after = client.Get("/contacts/" + id, Api(kReadOnly));
  ASSERT_TRUE(got_after);
  EXPECT_EQ(ParseJson(got_after->body)["contact"], after);

  auto not_allowed = client.Put("/contacts/" + id, Api(kReadWrite),
                                absl::StrCat(R"({"locationId":")", kDemoLocation, R"("})"),
                                "application/json");
  ASSERT_TRUE(not_allowed);
  EXPECT_EQ(not_allowed->status, 422);
  EXPECT_EQ(WithoutTraceId(not_allowed->body),
            R"({"statusCode":422,"message":["property locationId should not exist"],"error":"Unprocessable Entity"})");

  auto removed = client.Delete("/contacts/" + id, Api(kReadWrite));
  ASSERT_TRUE(removed);
  EXPECT_EQ(removed->status, 200);
  EXPECT_EQ(removed->body, R"({"succeded":true})");
  auto gone = client.Get("/contacts/" + id, Api(kReadOnly));
  ASSERT_TRUE(gone);
  EXPECT_EQ(gone->status, 404);
  auto again = client.Delete("/contacts/" + id, Api(kReadWrite));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 404);
  auto update_gone = client.Put("/contacts/" + id, Api(kReadWrite), "{}", "application/json");
  ASSERT_TRUE(update_gone);
  EXPECT_EQ(update_gone->status, 404);
}

TEST(SandboxCrudTest, CreateValidation) {
  auto sandbox = StartSandbox(DemoOptions());
  httplib::Client client("127.0.0.1", sandbox->port());
  auto post = [&](const std::string& body) {
    auto res = client.Post("/contacts/", Api(kReadWrite), body, "application/json");
    EXPECT_TRUE(res);
    return res ? std::make_pair(res->status, WithoutTraceId(res->body)) : std::make_pair(0, std::string());
  };
  EXPECT_EQ(post(R"({"firstName":"A"})"),
            std::make_pair(422, std::string(R"({"statusCode":422,"message":["locationId should not be empty"],"error":"Unprocessable Entity"})")));
  EXPECT_EQ(post(absl::StrCat(R"({"locationId":")", kDemoLocation, R"(","email":"not-an-email"})")),
            std::make_pair(422, std::string(R"({"statusCode":422,"message":["email must be an email"],"error":"Unprocessable Entity"})")));
  EXPECT_EQ(post(absl::StrCat(R"({"locationId":")", kDemoLocation,
                              R"(","customFields":[{"id":"nope","field_value":"x"}]})"))
                .first,
            422);
  EXPECT_EQ(post(absl::StrCat(R"({"locationId":")", kDemoLocation, R"(","tags":"vip"})")).first, 422);
  const auto malformed = post(R"({"locationId": })");
  EXPECT_EQ(malformed.first, 400);
  EXPECT_THAT(malformed.second, ::testing::HasSubstr("Unexpected token } in JSON at position 15"));
  // The demo's existing phones are duplicates too.
  EXPECT_EQ(post(absl::StrCat(R"({"locationId":")", kDemoLocation, R"(","phone":"+5273059912"})")).first,
            400);
}

TEST(SandboxRateLimitTest, SixthRequestInWindowIs429) {
  SandboxOptions options = DemoOptions();
  options.rate_limit_max = 5;
  options.rate_limit_interval_ms = 1000;
  options.rate_limit_daily = 200000;
  auto sandbox = StartSandbox(options);
  httplib::Client client("127.0.0.1", sandbox->port());
  for (int i = 0; i < 5; ++i) {
    auto res = client.Get("/contacts/mtNB4L954X2WrXeHSrHJ", Api(kReadOnly));
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200);
    EXPECT_EQ(res->get_header_value("X-RateLimit-Remaining"), absl::StrCat(4 - i));
    EXPECT_EQ(res->get_header_value("X-RateLimit-Max"), "5");
    EXPECT_EQ(res->get_header_value("X-RateLimit-Interval-Milliseconds"), "1000");
  }
  auto limited = client.Get("/contacts/mtNB4L954X2WrXeHSrHJ", Api(kReadOnly));
  ASSERT_TRUE(limited);
  EXPECT_EQ(limited->status, 429);
  EXPECT_EQ(WithoutTraceId(limited->body), R"({"statusCode":429,"message":"Too Many Requests"})");
  EXPECT_EQ(limited->get_header_value("X-RateLimit-Remaining"), "0");
  EXPECT_EQ(limited->get_header_value("X-RateLimit-Limit-Daily"), "200000");
  EXPECT_EQ(limited->get_header_value("X-RateLimit-Daily-Remaining"), "199995");
  // Limits are per location: another location still has its budget.
  auto other = client.Get("/contacts/mtNB4L954X2WrXeHSrHJ", Api(kOtherRw));
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 403);
  EXPECT_EQ(other->get_header_value("X-RateLimit-Remaining"), "4");
  EXPECT_EQ(sandbox->Stats().rate_limited_429, 1u);
}

TEST(SandboxRateLimitTest, DailyLimit) {
  SandboxOptions options = DemoOptions();
  options.rate_limit_daily = 2;
  auto sandbox = StartSandbox(options);
  httplib::Client client("127.0.0.1", sandbox->port());
  for (int expected : {200, 200, 429}) {
    auto res = client.Get("/contacts/mtNB4L954X2WrXeHSrHJ", Api(kReadOnly));
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, expected);
  }
}

TEST(SandboxStormTest, StormAnswers429ThenRecovers) {
  SandboxOptions options = DemoOptions();
  options.storm_429 = 2;
  auto sandbox = StartSandbox(options);
  httplib::Client client("127.0.0.1", sandbox->port());
  auto get = [&] {
    auto res = client.Get("/contacts/mtNB4L954X2WrXeHSrHJ", Api(kReadOnly));
    return res ? res->status : 0;
  };
  EXPECT_EQ(get(), 429);
  EXPECT_EQ(get(), 429);
  EXPECT_EQ(get(), 200);
  sandbox->InjectStorm429(1);
  EXPECT_EQ(get(), 429);
  EXPECT_EQ(get(), 200);
  auto admin = client.Post("/_sandbox/storm429?count=1", "", "text/plain");
  ASSERT_TRUE(admin);
  EXPECT_EQ(admin->status, 200);
  EXPECT_EQ(get(), 429);
  EXPECT_EQ(get(), 200);
  const SandboxStats stats = sandbox->Stats();
  EXPECT_EQ(stats.storm_429, 4u);
  EXPECT_EQ(stats.requests, 7u);
  EXPECT_EQ(stats.by_status.at(429), 4u);
  EXPECT_EQ(stats.by_status.at(200), 3u);
  EXPECT_EQ(stats.rate_limited_429, 0u);
}

TEST(SandboxGeneratedTest, SameSeedSameDataDifferentSeedDifferentData) {
  auto make = [](uint64_t seed) {
    SandboxOptions o;
    o.generate_contacts = 300;
    o.seed = seed;
    o.tokens = TestTokens();
    return StartSandbox(o);
  };
  auto a = make(7);
  auto b = make(7);
  auto c = make(8);
  auto page = [](Sandbox& s) {
    httplib::Client client("127.0.0.1", s.port());
    auto res = client.Get(ListPath("&limit=100"), Api(kReadOnly));
    EXPECT_TRUE(res);
    return res ? ToJson(ParseJson(res->body)["contacts"]) : std::string();
  };
  const std::string pa = page(*a);
  EXPECT_EQ(pa, page(*b));
  EXPECT_NE(pa, page(*c));
  const rapidjson::Document contacts = ParseJson(pa);
  ASSERT_TRUE(contacts.IsArray());
  EXPECT_EQ(contacts.Size(), 100u);
  for (const auto& contact : contacts.GetArray()) {
    for (const auto& field : contact["customFields"].GetArray()) {
      EXPECT_TRUE(field["value"].IsString());
    }
  }
}

TEST(SandboxLifecycleTest, StartTwiceFailsAndStopIsIdempotent) {
  Sandbox sandbox(DemoOptions());
  EXPECT_EQ(sandbox.port(), 0);
  ASSERT_TRUE(sandbox.Start().ok());
  EXPECT_GT(sandbox.port(), 0);
  EXPECT_EQ(sandbox.Start().code(), absl::StatusCode::kFailedPrecondition);
  const auto t0 = std::chrono::steady_clock::now();
  sandbox.Stop();
  sandbox.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(2));
}

TEST(SandboxLifecycleTest, StopIsPromptWithAnIdleKeepAliveConnection) {
  auto sandbox = StartSandbox(DemoOptions());
  httplib::Client client("127.0.0.1", sandbox->port());
  client.set_keep_alive(true);
  auto res = client.Get("/_sandbox/health");
  ASSERT_TRUE(res);
  const auto t0 = std::chrono::steady_clock::now();
  sandbox->Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(2));
}

TEST(SandboxConcurrencyTest, ParallelReadersAndWriters) {
  SandboxOptions options = DemoOptions();
  options.worker_threads = 8;
  auto sandbox = StartSandbox(options);
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&, t] {
      httplib::Client client("127.0.0.1", sandbox->port());
      client.set_keep_alive(true);
      client.set_tcp_nodelay(true);
      for (int i = 0; i < 25; ++i) {
        if (t % 2 == 0) {
          auto created = client.Post(
              "/contacts/", Api(kReadWrite),
              absl::StrCat(R"({"locationId":")", kDemoLocation, R"(","email":"p)", t, "_", i,
                           R"(@example.com","tags":["load"]})"),
              "application/json");
          if (!created || created->status != 201) {
            ++failures;
            continue;
          }
          const std::string id = ParseJson(created->body)["contact"]["id"].GetString();
          auto updated = client.Put("/contacts/" + id, Api(kReadWrite), R"({"city":"Zürich"})",
                                    "application/json");
          auto removed = client.Delete("/contacts/" + id, Api(kReadWrite));
          if (!updated || updated->status != 200 || !removed || removed->status != 200) ++failures;
        } else {
          auto page = client.Get(ListPath("&limit=100&query=a"), Api(kReadOnly));
          auto one = client.Get("/contacts/mtNB4L954X2WrXeHSrHJ", Api(kReadOnly));
          if (!page || page->status != 200 || !one || one->status != 200) ++failures;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(sandbox->service()->ContactCount(), 5000u);
  EXPECT_EQ(sandbox->Stats().requests, 3u * 25 * 3 + 3u * 25 * 2);
}

TEST(SandboxLifecycleTest, PortInUseIsUnavailable) {
  auto first = StartSandbox(DemoOptions());
  SandboxOptions options;
  options.tokens = TestTokens();
  options.port = first->port();
  Sandbox second(options);
  EXPECT_EQ(second.Start().code(), absl::StatusCode::kUnavailable);
}

TEST(SandboxLifecycleTest, BadDataDirectoryFailsStart) {
  SandboxOptions options;
  options.data_dir = "/nonexistent/dir";
  Sandbox sandbox(options);
  EXPECT_EQ(sandbox.Start().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace ghl::sandbox
