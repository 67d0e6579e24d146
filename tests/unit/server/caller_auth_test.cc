// Caller authorization: the scope of every method comes from its
// ghl.api.v1.operation annotation; AuthorizeCall's decisions (no key, bad
// key, location not held, missing scope); the auth options of the config.
#include "server/caller_auth.h"

#include <cstdio>

#include <gmock/gmock.h>
#include <google/protobuf/descriptor.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"

#include "adapters/ghl/auth/sqlite_db.h"
#include "ghl/api/v1/annotations.pb.h"
#include "ghl/contacts/v1/contacts_service.grpc.pb.h"
#include "ghl/contacts/v1/tasks_service.grpc.pb.h"
#include "server/gateway.h"
#include "server/gateway_config.h"
#include "tests/support/status_matchers.h"

namespace ghl::server {
namespace {

using ::ghl::testing::IsOk;
using ::ghl::testing::StatusIs;
using ::testing::HasSubstr;

TEST(RequiredScopeTest, ComesFromTheAnnotationOfEveryMethod) {
  EXPECT_EQ(RequiredScope("/ghl.contacts.v1.ContactsService/GetContact"), "contacts.readonly");
  EXPECT_EQ(RequiredScope("/ghl.contacts.v1.ContactsService/CreateContact"), "contacts.write");
  EXPECT_EQ(RequiredScope("/ghl.contacts.v1.TasksService/DeleteTask"), "contacts.write");
  // Served from the gateway's event log: its caller_scope option (issue 6).
  EXPECT_EQ(RequiredScope("/ghl.contacts.v1.EventsService/WatchEvents"), "contacts.readonly");
  EXPECT_EQ(RequiredScope("/grpc.health.v1.Health/Check"), std::nullopt);
  EXPECT_EQ(RequiredScope("/nonsense"), std::nullopt);
  // DiagnosticsService reads a contact without adapting one GHL operation:
  // not open, it needs the read scope.
  EXPECT_EQ(RequiredScope("/ghl.contacts.v1.DiagnosticsService/CheckLocation"), "contacts.readonly");
  // GHL's spec names no scope for the bulk writes; a caller needs write.
  EXPECT_EQ(RequiredScope("/ghl.contacts.v1.ContactsService/BulkUpdateBusiness"), "contacts.write");
  EXPECT_EQ(RequiredScope("/ghl.contacts.v1.TagsService/BulkUpdateTags"), "contacts.write");
  // Every annotated method of the contacts service resolves to the same scope
  // as its annotation (no hand list anywhere).
  const auto* service = ghl::contacts::v1::ContactsService::service_full_name();
  const auto* descriptor =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(service);
  ASSERT_NE(descriptor, nullptr);
  for (int i = 0; i < descriptor->method_count(); ++i) {
    const auto* m = descriptor->method(i);
    const std::string name = std::string("/") + service + "/" + m->name();
    const auto& options = m->options();
    EXPECT_EQ(RequiredScope(name), options.HasExtension(ghl::api::v1::caller_scope)
                                       ? options.GetExtension(ghl::api::v1::caller_scope)
                                       : options.GetExtension(ghl::api::v1::operation).scope())
        << name;
  }
}

// No method of the gateway's own services is left open by omission: every
// one whose request names a location_id has a scope, from its operation or
// its caller_scope annotation. (CatalogService describes the API itself and
// takes no location, so it needs none.)
TEST(RequiredScopeTest, EveryMethodTakingALocationHasAScope) {
  (void)RequiredScope("/ghl.contacts.v1.ContactsService/GetContact");  // links every service
  const auto* pool = google::protobuf::DescriptorPool::generated_pool();
  int checked = 0;
  for (const char* service :
       {"ContactsService", "TasksService", "NotesService", "AppointmentsService", "TagsService",
        "EventsService", "DiagnosticsService", "CatalogService"}) {
    const auto* descriptor = pool->FindServiceByName(std::string("ghl.contacts.v1.") + service);
    ASSERT_NE(descriptor, nullptr) << service;
    for (int i = 0; i < descriptor->method_count(); ++i) {
      const auto* m = descriptor->method(i);
      if (m->input_type()->FindFieldByName("location_id") == nullptr) continue;
      const std::string name = absl::StrCat("/", descriptor->full_name(), "/", m->name());
      const auto scope = RequiredScope(name);
      EXPECT_TRUE(scope.has_value() && (*scope == "contacts.readonly" || *scope == "contacts.write"))
          << name << " has no caller scope";
      ++checked;
    }
  }
  EXPECT_GT(checked, 30);
}

class AuthorizeCallTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string path = ::testing::TempDir() + "/caller-auth-keys.db";
    std::remove(path.c_str());
    auto db = auth::SqliteDb::Open(path);
    ASSERT_THAT(db, IsOk());
    keys_ = std::make_unique<auth::SqliteApiKeyStore>(*db);
    read_only_ = keys_->Create("ro", {"LOC1"}, {"contacts.readonly"})->key;
    writer_ = keys_->Create("rw", {"LOC1", "LOC2"}, {"contacts.readonly", "contacts.write"})->key;
  }
  std::unique_ptr<auth::SqliteApiKeyStore> keys_;
  std::string read_only_;
  std::string writer_;
};

constexpr char kGet[] = "/ghl.contacts.v1.ContactsService/GetContact";
constexpr char kCreate[] = "/ghl.contacts.v1.ContactsService/CreateContact";

TEST_F(AuthorizeCallTest, Decisions) {
  EXPECT_TRUE(AuthorizeCall(*keys_, kGet, "Bearer " + read_only_, "LOC1").ok());
  EXPECT_TRUE(AuthorizeCall(*keys_, kCreate, "bearer " + writer_, "LOC2").ok());
  grpc::Status s = AuthorizeCall(*keys_, kGet, "", "LOC1");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(s.error_message(), HasSubstr("authorization: Bearer"));
  s = AuthorizeCall(*keys_, kGet, read_only_, "LOC1");  // no "Bearer "
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  s = AuthorizeCall(*keys_, kGet, "Bearer ghlk_nope", "LOC1");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  s = AuthorizeCall(*keys_, kGet, "Bearer " + read_only_, "LOC2");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(s.error_message(), HasSubstr("does not hold location LOC2"));
  // A missing or malformed location is the caller's mistake, as without keys.
  s = AuthorizeCall(*keys_, kGet, "Bearer " + read_only_, "");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("location_id: must be set"));
  s = AuthorizeCall(*keys_, kGet, "Bearer " + read_only_, std::string(5000, 'x'));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_LT(s.error_message().size(), 200u);
  // Still authenticated first: no key says nothing about the request.
  s = AuthorizeCall(*keys_, kGet, "", "");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  s = AuthorizeCall(*keys_, kCreate, "Bearer " + read_only_, "LOC1");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(s.error_message(), HasSubstr("lacks scope contacts.write"));
  EXPECT_THAT(s.error_message(), ::testing::Not(HasSubstr(read_only_)));
  // Methods without the annotation are open.
  EXPECT_TRUE(AuthorizeCall(*keys_, "/grpc.health.v1.Health/Check", "", "").ok());
}

TEST(GatewayAuthConfigTest, FlagsSecretsAndRules) {
  auto c = ParseGatewayConfig({"--state", "/tmp/s.db", "--oauth-client-id", "cid",
                               "--refresh-margin-s", "60", "--listen", "0.0.0.0:7000"},
                              {{"GHL_OAUTH_CLIENT_SECRET", "sec"}, {"GHL_STATE_KEY", "k"}});
  ASSERT_THAT(c, IsOk());
  EXPECT_EQ(c->auth.state_file, "/tmp/s.db");
  EXPECT_EQ(c->auth.oauth_client_secret, "sec");
  EXPECT_EQ(c->auth.state_key, "k");
  EXPECT_EQ(c->auth.refresh_margin, absl::Seconds(60));
  EXPECT_THAT(ParseGatewayConfig({"--listen", "0.0.0.0:7000"}, {}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("not a loopback address")));
  EXPECT_THAT(ParseGatewayConfig({"--oauth-client-id", "cid"}, {}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("GHL_OAUTH_CLIENT_SECRET")));
  EXPECT_THAT(ParseGatewayConfig({"--tls-cert", "a.pem"}, {}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--tls-key")));
  EXPECT_THAT(ParseGatewayConfig({"--refresh-margin-s", "-1"}, {}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--refresh-margin-s")));
  EXPECT_THAT(ParseGatewayConfig({"--http-listen", "nope"}, {}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--http-listen")));
  // The OAuth callback without a state file would have no CSRF check.
  EXPECT_THAT(ParseGatewayConfig({"--http-listen", "127.0.0.1:0", "--oauth-client-id", "cid"},
                                 {{"GHL_OAUTH_CLIENT_SECRET", "sec"}}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("needs --state FILE")));
  EXPECT_THAT(GatewayUsage(), HasSubstr("--state (GHL_STATE_FILE)"));
  EXPECT_THAT(GatewayUsage(), HasSubstr("--tls-cert (GHL_TLS_CERT)"));
}

}  // namespace
}  // namespace ghl::server

namespace ghl::server {
namespace {

// The state file's key: missing or wrong stops the gateway with a clear error.
TEST(GatewayStateKeyTest, MissingOrWrongKeyIsAClearStartError) {
  const std::string path = ::testing::TempDir() + "/gateway-key-check.db";
  for (const char* suffix : {"", "-wal", "-shm"}) std::remove((path + suffix).c_str());
  GatewayConfig gc;
  gc.listen = "127.0.0.1:0";
  gc.upstream = "http://127.0.0.1:9";
  gc.auth.state_file = path;
  auto missing = Gateway::Start(gc);
  EXPECT_THAT(missing.status(), ghl::testing::StatusIs(absl::StatusCode::kFailedPrecondition,
                                                       HasSubstr("GHL_STATE_KEY")));
  gc.auth.state_key = std::string(64, 'a');
  auto first = Gateway::Start(gc);
  ASSERT_THAT(first.status(), ghl::testing::IsOk());
  // One gateway per state file: a second would rotate the first's tokens dead.
  EXPECT_THAT(Gateway::Start(gc).status(),
              ghl::testing::StatusIs(absl::StatusCode::kFailedPrecondition,
                                     HasSubstr("in use by another ghl-gateway")));
  (*first)->Shutdown(absl::Seconds(1));
  gc.auth.state_key = std::string(64, 'b');
  auto wrong = Gateway::Start(gc);
  EXPECT_THAT(wrong.status(), ghl::testing::StatusIs(absl::StatusCode::kFailedPrecondition,
                                                     HasSubstr("does not open the state file")));
  gc.auth.state_key = "short";
  EXPECT_THAT(Gateway::Start(gc).status(),
              ghl::testing::StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("GHL_STATE_KEY")));
}

}  // namespace
}  // namespace ghl::server

namespace ghl::server {
namespace {

// A gateway that cannot listen fails Start cleanly, its OAuth callback
// listener stopped again.
TEST(GatewayStartTest, AnAddressInUseIsAnErrorNotACrash) {
  GatewayConfig gc;
  gc.listen = "127.0.0.1:0";
  gc.upstream = "http://127.0.0.1:9";
  auto first = Gateway::Start(gc);
  ASSERT_THAT(first.status(), ghl::testing::IsOk());
  gc.listen = (*first)->address();
  gc.auth.oauth_client_id = "cid";
  gc.auth.oauth_client_secret = "csecret";
  gc.auth.http_listen = "127.0.0.1:0";
  gc.auth.state_file = ::testing::TempDir() + "/address-in-use.db";
  gc.auth.state_key = std::string(64, 'a');  // 32 bytes in hex
  std::remove(gc.auth.state_file.c_str());
  auto second = Gateway::Start(gc);
  EXPECT_THAT(second.status(), ghl::testing::StatusIs(absl::StatusCode::kUnavailable,
                                                      HasSubstr("cannot listen")));
  // Again: the callback listener of the failed start is gone (no leak, no hang).
  auto third = Gateway::Start(gc);
  EXPECT_FALSE(third.ok());
}

}  // namespace
}  // namespace ghl::server
