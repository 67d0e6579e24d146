// Issue 7: one JSON log line per gRPC call, with a request id that the
// caller may choose, that the gateway returns in x-request-id and sends to
// GHL as X-Request-Id on every request of the call (the sandbox records
// what it received), and no secret (the GHL token, the caller's API key)
// anywhere in the log.
#include <rapidjson/document.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "adapters/ghl/auth/api_key_store.h"
#include "adapters/ghl/auth/sqlite_db.h"
#include "adapters/ghl/core/clock.h"
#include "tests/integration/stack.h"

namespace ghl::testing {
namespace {

namespace v1 = ::ghl::contacts::v1;
using ::testing::HasSubstr;
using ::testing::Not;

struct Line {
  std::string text;
  std::map<std::string, std::string> fields;  // numbers as text
};

std::vector<Line> ReadLines(const std::string& path) {
  std::vector<Line> out;
  for (absl::string_view text : absl::StrSplit(ReadFile(path), '\n', absl::SkipEmpty())) {
    Line line;
    line.text = std::string(text);
    rapidjson::Document doc;
    doc.Parse(line.text.data(), line.text.size());
    if (doc.HasParseError() || !doc.IsObject()) {
      ADD_FAILURE() << "not a JSON object line: " << text;
      continue;
    }
    for (const auto& m : doc.GetObject()) {
      line.fields[m.name.GetString()] =
          m.value.IsString() ? m.value.GetString() : std::to_string(m.value.GetInt64());
    }
    out.push_back(std::move(line));
  }
  return out;
}

// The line of the call with `request_id`, polling briefly (the line is
// written before the status goes out, so it is normally there at once).
Line LineOf(const std::string& path, const std::string& request_id) {
  for (int i = 0; i < 200; ++i) {
    for (auto& line : ReadLines(path)) {
      if (line.fields["request_id"] == request_id) return line;
    }
    DefaultClock().SleepFor(absl::Milliseconds(50));
  }
  ADD_FAILURE() << "no log line for request " << request_id;
  return {};
}

std::string ServerRequestId(const grpc::ClientContext& ctx) {
  const auto& md = ctx.GetServerInitialMetadata();
  auto it = md.find("x-request-id");
  return it == md.end() ? "" : std::string(it->second.data(), it->second.size());
}

// Request ids the sandbox received for `method` `path_prefix`.
std::vector<std::string> ReceivedIds(Stack& stack, const std::string& method, const std::string& path_prefix) {
  std::vector<std::string> ids;
  for (const auto& r : stack.sandbox().service()->RecentRequests()) {
    if (r.method == method && absl::StartsWith(r.path, path_prefix)) ids.push_back(r.request_id);
  }
  return ids;
}

class CallLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string dir = ::testing::TempDir();
    log_path_ = dir + "/call-log-test.log";
    state_path_ = dir + "/call-log-test.db";
    for (const auto& p : {log_path_, state_path_}) std::remove(p.c_str());
    {
      auto db = auth::SqliteDb::Open(state_path_);
      ASSERT_TRUE(db.ok()) << db.status();
      auth::SqliteApiKeyStore keys(*db);
      auto created = keys.Create("call-log-test", {kDemoLocation}, {"contacts.readonly", "contacts.write"});
      ASSERT_TRUE(created.ok()) << created.status();
      api_key_ = created->key;
      key_id_ = created->record.id;
    }
    StackOptions o;
    o.configure = [this](ghl::server::GatewayConfig* gc) {
      gc->log_file = log_path_;
      gc->auth.state_file = state_path_;
      gc->auth.state_key = std::string(64, 'c');
    };
    stack_ = std::make_unique<Stack>(o);
    ASSERT_EQ(stack_->error(), "");
  }
  void Authorize(grpc::ClientContext* ctx) { ctx->AddMetadata("authorization", "Bearer " + api_key_); }

  std::string log_path_, state_path_, api_key_, key_id_;
  std::unique_ptr<Stack> stack_;
};

TEST_F(CallLogTest, OneLinePerCallWithTheRequestIdSentUpstreamAndNoSecrets) {
  // 1. A stream with the caller's request id: 50 pages, 50 GETs, all tagged.
  const std::string list_id = "it-list-0001";
  {
    grpc::ClientContext ctx;
    Authorize(&ctx);
    ctx.AddMetadata("x-request-id", list_id);
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(120));
    v1::ListContactsRequest request;
    request.set_location_id(kDemoLocation);
    auto reader = stack_->stub().ListContacts(&ctx, request);
    v1::ListContactsResponse page;
    size_t contacts = 0;
    while (reader->Read(&page)) contacts += page.contacts_size();
    ASSERT_TRUE(reader->Finish().ok());
    EXPECT_EQ(contacts, 5000u);
    EXPECT_EQ(ServerRequestId(ctx), list_id);
  }
  Line list = LineOf(log_path_, list_id);
  EXPECT_EQ(list.fields["method"], "/ghl.contacts.v1.ContactsService/ListContacts");
  EXPECT_EQ(list.fields["code"], "OK");
  EXPECT_EQ(list.fields["level"], "info");
  EXPECT_EQ(list.fields["location_id"], kDemoLocation);
  EXPECT_EQ(list.fields["upstream_calls"], "50");
  EXPECT_EQ(list.fields["key_id"], key_id_);
  EXPECT_THAT(list.fields["peer"], HasSubstr("127.0.0.1"));
  EXPECT_FALSE(list.fields["time"].empty());
  EXPECT_FALSE(list.fields["duration_ms"].empty());
  EXPECT_EQ(list.fields.count("trace_id"), 0u);
  const auto list_ids = ReceivedIds(*stack_, "GET", "/contacts/");
  ASSERT_EQ(list_ids.size(), 50u);
  for (const auto& id : list_ids) EXPECT_EQ(id, list_id);

  // 2. No id from the caller: one is made, returned, sent and logged; the
  //    404's trace id is logged too.
  std::string generated;
  {
    grpc::ClientContext ctx;
    Authorize(&ctx);
    v1::GetContactRequest request;
    request.set_location_id(kDemoLocation);
    request.set_contact_id("NoSuchContact0000001");
    v1::Contact contact;
    grpc::Status s = stack_->stub().GetContact(&ctx, request, &contact);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
    generated = ServerRequestId(ctx);
  }
  ASSERT_EQ(generated.size(), 32u);
  Line get = LineOf(log_path_, generated);
  EXPECT_EQ(get.fields["code"], "NOT_FOUND");
  EXPECT_EQ(get.fields["level"], "warn");
  EXPECT_EQ(get.fields["upstream_calls"], "1");
  EXPECT_FALSE(get.fields["trace_id"].empty());
  EXPECT_THAT(get.fields["message"], HasSubstr(get.fields["trace_id"]));
  const auto get_ids = ReceivedIds(*stack_, "GET", "/contacts/NoSuchContact0000001");
  ASSERT_EQ(get_ids.size(), 1u);
  EXPECT_EQ(get_ids[0], generated);

  // 3. An insane id (spaces, too long) is replaced, not echoed.
  {
    grpc::ClientContext ctx;
    Authorize(&ctx);
    ctx.AddMetadata("x-request-id", "bad id " + std::string(200, 'x'));
    v1::GetContactRequest request;
    request.set_location_id(kDemoLocation);
    request.set_contact_id("NoSuchContact0000002");
    v1::Contact contact;
    (void)stack_->stub().GetContact(&ctx, request, &contact);
    const std::string replaced = ServerRequestId(ctx);
    EXPECT_EQ(replaced.size(), 32u);
    EXPECT_EQ(LineOf(log_path_, replaced).fields["code"], "NOT_FOUND");
  }

  // 4. A refused call (no key) is logged too, without upstream calls.
  {
    grpc::ClientContext ctx;
    ctx.AddMetadata("x-request-id", "it-refused-1");
    ctx.AddMetadata("authorization", "Bearer ghlk_forged_s3cr3tvalue");
    v1::GetContactRequest request;
    request.set_location_id(kDemoLocation);
    request.set_contact_id("x");
    v1::Contact contact;
    EXPECT_EQ(stack_->stub().GetContact(&ctx, request, &contact).error_code(),
              grpc::StatusCode::UNAUTHENTICATED);
  }
  Line refused = LineOf(log_path_, "it-refused-1");
  EXPECT_EQ(refused.fields["code"], "UNAUTHENTICATED");
  EXPECT_EQ(refused.fields["upstream_calls"], "0");
  EXPECT_EQ(refused.fields.count("key_id"), 0u);

  // Nothing secret anywhere in the log: the GHL token, the API key (whole or
  // its secret part), the forged key.
  const std::string log = ReadFile(log_path_);
  EXPECT_THAT(log, Not(HasSubstr(kFullToken)));
  EXPECT_THAT(log, Not(HasSubstr(api_key_)));
  EXPECT_THAT(log, Not(HasSubstr(api_key_.substr(api_key_.rfind('_') + 1))));
  EXPECT_THAT(log, Not(HasSubstr("s3cr3tvalue")));
  EXPECT_THAT(log, Not(HasSubstr("authorization")));
  EXPECT_GE(ReadLines(log_path_).size(), 4u);
}

}  // namespace
}  // namespace ghl::testing
