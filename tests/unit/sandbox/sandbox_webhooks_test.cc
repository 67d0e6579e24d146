// ghl-sandbox's webhooks end to end: a Sandbox on port 0 changed through
// its HTTP API sends, to a real receiver, the event GHL would send for each
// change (type, ids, fields), signed with both schemes over the received
// bytes, with unique webhookIds and fresh timestamps, in the order of the
// changes; GET/POST /_sandbox/webhooks; and a receiver that holds every
// delivery does not hold up API calls.
#include <httplib.h>

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/sandbox/sandbox_test_util.h"
#include "tests/unit/sandbox/webhook_receiver_util.h"
#include "tools/ghl-sandbox/sandbox.h"
#include "tools/ghl-sandbox/text_util.h"

namespace ghl::sandbox {
namespace {

using ::ghl::sandbox::testing::Api;
using ::ghl::sandbox::testing::Delivery;
using ::ghl::sandbox::testing::kDemoLocation;
using ::ghl::sandbox::testing::kReadWrite;
using ::ghl::sandbox::testing::ParseJson;
using ::ghl::sandbox::testing::ReadFile;
using ::ghl::sandbox::testing::Receiver;
using ::ghl::sandbox::testing::Strings;
using ::ghl::sandbox::testing::TempDir;
using ::ghl::sandbox::testing::TestTokens;
using ::ghl::sandbox::testing::VerifySignature;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;

class SandboxWebhooksTest : public ::testing::Test {
 protected:
  void Start(const std::string& url) {
    SandboxOptions o;
    o.generate_contacts = 3;  // into kDemoLocation
    o.tokens = TestTokens();
    o.rate_limit_max = 1000000;
    o.rate_limit_daily = 100000000;
    o.webhooks.url = url;
    o.webhooks.key_dir = key_dir_;
    o.webhooks.initial_backoff = absl::Milliseconds(1);
    o.webhooks.attempt_timeout = absl::Seconds(60);
    sandbox_ = std::make_unique<Sandbox>(o);
    ASSERT_TRUE(sandbox_->Start().ok());
  }
  httplib::Client Client() const { return httplib::Client("127.0.0.1", sandbox_->port()); }

  // One API call; returns the parsed body and checks the status.
  rapidjson::Document Call(const std::string& method, const std::string& path,
                           const std::string& body, int want) {
    httplib::Client c = Client();
    httplib::Result res = method == "POST" ? c.Post(path, Api(kReadWrite), body, "application/json")
                          : method == "PUT"
                              ? c.Put(path, Api(kReadWrite), body, "application/json")
                              : c.Delete(path, Api(kReadWrite), body, "application/json");
    EXPECT_TRUE(res) << method << " " << path;
    if (!res) return rapidjson::Document();
    EXPECT_EQ(res->status, want) << method << " " << path << ": " << res->body;
    return ParseJson(res->body);
  }
  // The ids of the generated contacts.
  std::vector<std::string> ContactIds() {
    auto res = Client().Get(absl::StrCat("/contacts/?locationId=", kDemoLocation), Api(kReadWrite));
    EXPECT_TRUE(res);
    std::vector<std::string> ids;
    if (!res) return ids;
    rapidjson::Document doc = ParseJson(res->body);
    for (const auto& c : doc["contacts"].GetArray()) ids.emplace_back(c["id"].GetString());
    return ids;
  }

  const std::string key_dir_ = TempDir();
  std::unique_ptr<Sandbox> sandbox_;
};

// A create-contact body.
std::string NewContact(const std::string& first_name) {
  return absl::StrCat(R"({"firstName":")", first_name, R"(","locationId":")", kDemoLocation,
                      R"("})");
}

std::string Str(const rapidjson::Value& v, const char* name) {
  const auto it = v.FindMember(name);
  return it != v.MemberEnd() && it->value.IsString() ? it->value.GetString() : "<none>";
}

TEST_F(SandboxWebhooksTest, EveryApiChangeSendsGhlsEvent) {
  Receiver receiver;
  Start(receiver.url());
  const absl::Time started = absl::Now();
  const std::vector<std::string> others = ContactIds();
  ASSERT_EQ(others.size(), 3u);

  // (expected type, expected id) per event, in the order of the changes.
  std::vector<std::pair<std::string, std::string>> want;
  const rapidjson::Document created =
      Call("POST", "/contacts/",
           absl::StrCat(R"({"firstName":"Ann","email":"ann@example.com","locationId":")",
                        kDemoLocation, R"("})"),
           201);
  const std::string id = created["contact"]["id"].GetString();
  const std::string path = "/contacts/" + id;
  want.push_back({"ContactCreate", id});
  Call("PUT", path, R"({"lastName":"Lee"})", 200);
  want.push_back({"ContactUpdate", id});
  Call("POST", path + "/tags", R"({"tags":["vip"]})", 201);
  want.push_back({"ContactTagUpdate", id});
  Call("PUT", path, R"({"dnd":true,"tags":["vip","new"]})", 200);
  want.push_back({"ContactUpdate", id});
  want.push_back({"ContactDndUpdate", id});
  want.push_back({"ContactTagUpdate", id});
  Call("DELETE", path + "/tags", R"({"tags":["absent"]})", 200);  // no change, no event

  const rapidjson::Document task = Call(
      "POST", path + "/tasks",
      R"({"title":"Call","body":"about it","dueDate":"2026-01-02T03:04:05Z","completed":false})",
      201);
  const std::string task_id = task["task"]["id"].GetString();
  want.push_back({"TaskCreate", task_id});
  Call("PUT", path + "/tasks/" + task_id, R"({"title":"Call back"})", 200);  // no GHL event
  Call("PUT", path + "/tasks/" + task_id + "/completed", R"({"completed":true})", 200);
  want.push_back({"TaskComplete", task_id});
  Call("DELETE", path + "/tasks/" + task_id, "", 200);
  want.push_back({"TaskDelete", task_id});

  const rapidjson::Document note = Call("POST", path + "/notes", R"({"body":"first"})", 201);
  const std::string note_id = note["note"]["id"].GetString();
  want.push_back({"NoteCreate", note_id});
  Call("PUT", path + "/notes/" + note_id, R"({"body":"second"})", 200);
  want.push_back({"NoteUpdate", note_id});
  Call("DELETE", path + "/notes/" + note_id, "", 200);
  want.push_back({"NoteDelete", note_id});

  // Bulk: one event per contact changed (the unknown id changes nothing).
  Call("POST", "/contacts/bulk/tags/update/add",
       absl::StrCat(R"({"contacts":[")", others[0], R"(",")", others[1],
                    R"(","NoSuchContact0000000"],"tags":["bulk-tag"],"locationId":")",
                    kDemoLocation, R"("})"),
       201);
  want.push_back({"ContactTagUpdate", others[0]});
  want.push_back({"ContactTagUpdate", others[1]});
  Call("POST", "/contacts/bulk/business",
       absl::StrCat(R"({"locationId":")", kDemoLocation, R"(","ids":[")", others[2],
                    R"("],"businessId":"biz1"})"),
       200);
  want.push_back({"ContactUpdate", others[2]});
  Call("POST", "/contacts/upsert",
       absl::StrCat(R"({"email":"ann@example.com","city":"Oslo","locationId":")", kDemoLocation,
                    R"("})"),
       200);
  want.push_back({"ContactUpdate", id});
  Call("DELETE", path, "", 200);
  want.push_back({"ContactDelete", id});

  const std::vector<Delivery> got = receiver.WaitFor(want.size());
  const absl::Time finished = absl::Now();
  std::vector<std::pair<std::string, std::string>> seen;
  std::set<std::string> webhook_ids;
  const std::string ed_pub = ReadFile(key_dir_ + "/ed25519.pub.pem");
  const std::string rsa_pub = ReadFile(key_dir_ + "/rsa.pub.pem");
  std::map<std::string, rapidjson::Document> by_type;  // the last of each type
  for (const Delivery& d : got) {
    EXPECT_TRUE(VerifySignature(ed_pub, d.ed25519_signature, d.body, true)) << d.body;
    EXPECT_TRUE(VerifySignature(rsa_pub, d.rsa_signature, d.body, false)) << d.body;
    std::string flipped = d.body;
    flipped[flipped.size() / 2] ^= 0x20;
    EXPECT_FALSE(VerifySignature(ed_pub, d.ed25519_signature, flipped, true));
    EXPECT_FALSE(VerifySignature(rsa_pub, d.rsa_signature, flipped, false));
    EXPECT_EQ(d.content_type, "application/json");
    rapidjson::Document body = ParseJson(d.body);
    ASSERT_TRUE(body.IsObject());
    seen.push_back({Str(body, "type"), Str(body, "id")});
    EXPECT_EQ(Str(body, "locationId"), kDemoLocation);
    webhook_ids.insert(Str(body, "webhookId"));
    EXPECT_EQ(Str(body, "webhookId").size(), 36u);
    const auto ts = ParseIsoMillis(Str(body, "timestamp"));
    ASSERT_TRUE(ts.has_value()) << Str(body, "timestamp");
    // Fresh: stamped during this test (ms precision, hence the slack).
    EXPECT_GE(*ts, absl::ToUnixMillis(started) - 1);
    EXPECT_LE(*ts, absl::ToUnixMillis(finished) + 1);
    by_type[Str(body, "type")] = std::move(body);
  }
  // One location: exactly the changes' order.
  EXPECT_THAT(seen, ElementsAreArray(want));
  EXPECT_EQ(webhook_ids.size(), got.size());

  // The resource's fields, as the docs show them.
  EXPECT_EQ(Str(by_type["ContactCreate"], "firstName"), "Ann");
  EXPECT_EQ(Str(by_type["ContactCreate"], "email"), "ann@example.com");
  EXPECT_EQ(Str(by_type["ContactDndUpdate"], "lastName"), "Lee");  // the whole contact
  EXPECT_TRUE(by_type["ContactDndUpdate"]["dnd"].GetBool());
  EXPECT_EQ(Str(by_type["ContactUpdate"], "city"), "Oslo");  // the last: the upsert
  EXPECT_EQ(Str(by_type["ContactDelete"], "city"), "Oslo");  // the last state
  EXPECT_THAT(Strings(by_type["ContactDelete"]["tags"]), ElementsAre("vip", "new"));
  EXPECT_EQ(Str(by_type["TaskCreate"], "contactId"), id);
  EXPECT_EQ(Str(by_type["TaskCreate"], "title"), "Call");
  EXPECT_EQ(Str(by_type["TaskCreate"], "body"), "about it");
  EXPECT_EQ(Str(by_type["TaskCreate"], "dueDate"), "2026-01-02T03:04:05.000Z");
  EXPECT_EQ(Str(by_type["TaskComplete"], "title"), "Call back");
  EXPECT_TRUE(by_type["TaskComplete"]["completed"].GetBool());
  EXPECT_EQ(Str(by_type["TaskDelete"], "contactId"), id);
  EXPECT_EQ(Str(by_type["NoteCreate"], "body"), "first");
  EXPECT_EQ(Str(by_type["NoteCreate"], "contactId"), id);
  EXPECT_NE(Str(by_type["NoteCreate"], "dateAdded"), "<none>");
  EXPECT_EQ(Str(by_type["NoteUpdate"], "body"), "second");
  EXPECT_EQ(Str(by_type["NoteDelete"], "body"), "second");
  EXPECT_THAT(Strings(by_type["ContactTagUpdate"]["tags"]), ::testing::Contains("bulk-tag"));

  auto stats = Client().Get("/_sandbox/webhooks");
  ASSERT_TRUE(stats);
  const rapidjson::Document s = ParseJson(stats->body);
  EXPECT_EQ(s["queued"].GetUint64(), want.size());
  EXPECT_EQ(s["delivered2xx"].GetUint64(), want.size());
  EXPECT_EQ(s["byType"]["ContactTagUpdate"].GetUint64(), 4u);
  EXPECT_EQ(Str(s, "keyDir"), key_dir_);
}

TEST_F(SandboxWebhooksTest, RefusedCallsSendNothing) {
  Receiver receiver;
  Start(receiver.url());
  const std::string id = ContactIds().at(0);
  Call("PUT", "/contacts/NoSuchContact0000000", R"({"firstName":"X"})", 404);
  Call("PUT", "/contacts/" + id, R"({"email":"not an email"})", 422);
  Call("POST", "/contacts/" + id + "/tasks", R"({"title":"no due date"})", 422);
  Call("DELETE", "/contacts/" + id + "/notes/NoSuchNote0000000000", "", 404);
  httplib::Client c = Client();
  auto read_only =
      c.Post("/contacts/", ghl::sandbox::testing::Api(ghl::sandbox::testing::kReadOnly),
             NewContact("Ro"), "application/json");
  ASSERT_TRUE(read_only);
  EXPECT_EQ(read_only->status, 401);
  // The first event to arrive is the one change that happened.
  Call("DELETE", "/contacts/" + id, "", 200);
  const rapidjson::Document body = ParseJson(receiver.WaitFor(1).at(0).body);
  EXPECT_EQ(Str(body, "type"), "ContactDelete");
  EXPECT_EQ(Str(body, "id"), id);
  auto stats = Client().Get("/_sandbox/webhooks");
  ASSERT_TRUE(stats);
  EXPECT_EQ(ParseJson(stats->body)["queued"].GetUint64(), 1u);
}

TEST_F(SandboxWebhooksTest, OffWithoutAUrlAndTheAdminEndpointTurnsThemOn) {
  Start("");
  Call("POST", "/contacts/", NewContact("Off"), 201);
  auto res = Client().Get("/_sandbox/webhooks");
  ASSERT_TRUE(res);
  rapidjson::Document s = ParseJson(res->body);
  EXPECT_FALSE(s["enabled"].GetBool());
  EXPECT_EQ(s["queued"].GetUint64(), 0u);
  EXPECT_EQ(s["notQueued"].GetUint64(), 1u);

  res = Client().Post("/_sandbox/webhooks", R"({"url":"ftp://x"})", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_THAT(res->body, HasSubstr("http://"));

  Receiver receiver;
  res = Client().Post("/_sandbox/webhooks", absl::StrCat(R"({"url":")", receiver.url(), R"("})"),
                      "application/json");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  EXPECT_TRUE(ParseJson(res->body)["enabled"].GetBool());
  const rapidjson::Document created = Call("POST", "/contacts/", NewContact("On"), 201);
  const rapidjson::Document body = ParseJson(receiver.WaitFor(1).at(0).body);
  EXPECT_EQ(Str(body, "type"), "ContactCreate");
  EXPECT_EQ(Str(body, "id"), created["contact"]["id"].GetString());
}

TEST_F(SandboxWebhooksTest, AHeldReceiverDoesNotHoldUpApiCalls) {
  Receiver receiver;
  receiver.Hold();
  Start(receiver.url());
  Call("POST", "/contacts/", NewContact("First"), 201);
  receiver.WaitFor(1);  // its delivery is now stuck in the receiver
  // Every call answers while that delivery (and the events behind it) wait.
  for (int i = 0; i < 20; ++i) {
    Call("POST", "/contacts/", NewContact(absl::StrCat("N", i)), 201);
  }
  EXPECT_EQ(receiver.deliveries().size(), 1u);
  receiver.Release();
  receiver.WaitFor(21);
}

}  // namespace
}  // namespace ghl::sandbox
