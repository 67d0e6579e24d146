// ghlctl catalog and the client library under it (ServerReflectionClient,
// FetchCatalog) against a real gateway in-process on port 0: the catalog
// must come from the gateway's reflection and agree with the compiled protos,
// the spec's operations and the webhook event documents.
#include "client/catalog.h"

#include <dirent.h>

#include <algorithm>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <google/protobuf/descriptor.pb.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "client/ghlctl/commands.h"
#include "client/server_reflection.h"
#include "ghl/contacts/v1/catalog_service.grpc.pb.h"
#include "ghl/contacts/v1/contacts_service.grpc.pb.h"
#include "server/gateway.h"
#include "tests/support/subprocess.h"
#include "tests/unit/client/fake_clock.h"
#include "tests/unit/client/status_matchers.h"

namespace ghl::client {
namespace {

using ::ghl::client::testing::IsOk;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;
namespace v1 = ::ghl::contacts::v1;

// The gateway as ghl-gateway builds it; no upstream call is made.
class GatewayFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    ghl::server::GatewayConfig config;
    config.listen = "127.0.0.1:0";
    config.upstream = "http://127.0.0.1:9";
    config.workers = 1;
    absl::StatusOr<std::unique_ptr<ghl::server::Gateway>> gateway = ghl::server::Gateway::Start(config);
    ASSERT_THAT(gateway.status(), IsOk());
    gateway_ = *std::move(gateway);
    channel_ = grpc::CreateChannel(gateway_->address(), grpc::InsecureChannelCredentials());
  }
  void TearDown() override {
    if (gateway_) gateway_->Shutdown(absl::Seconds(1));
  }

  std::unique_ptr<ghl::server::Gateway> gateway_;
  std::shared_ptr<grpc::Channel> channel_;
};

std::string OperationKey(const ghl::api::v1::GhlOperation& op) {
  return absl::StrCat(op.operation_id(), " ", op.http_method(), " ", op.path(), " ", op.scope());
}

// The stems of ghl-api/docs/webhook-events/*.md, sorted.
std::vector<std::string> WebhookEventDocs() {
  std::vector<std::string> names;
  const std::string dir = ghl::testing::SharedDir() + "/ghl-api/docs/webhook-events";
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* entry = readdir(d)) {
      std::string name = entry->d_name;
      if (absl::EndsWith(name, ".md")) names.push_back(name.substr(0, name.size() - 3));
    }
    closedir(d);
  }
  std::sort(names.begin(), names.end());
  return names;
}

TEST_F(GatewayFixture, ReflectionListsTheServedServicesAndBuildsTheirFiles) {
  absl::StatusOr<ReflectedSchema> schema = ServerReflectionClient(channel_, absl::Seconds(10)).Fetch();
  ASSERT_THAT(schema.status(), IsOk());
  EXPECT_THAT(schema->services, Contains(v1::ContactsService::service_full_name()));
  EXPECT_THAT(schema->services, Contains(v1::CatalogService::service_full_name()));
  ASSERT_NE(schema->pool, nullptr);
  // The reflected pool is built from what the server sent, not this binary's
  // generated pool.
  const google::protobuf::ServiceDescriptor* contacts =
      schema->pool->FindServiceByName(v1::ContactsService::service_full_name());
  ASSERT_NE(contacts, nullptr);
  const google::protobuf::ServiceDescriptor* compiled =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(v1::ContactsService::service_full_name());
  ASSERT_NE(compiled, nullptr);
  EXPECT_NE(contacts, compiled);
  EXPECT_EQ(contacts->method_count(), compiled->method_count());
  EXPECT_NE(schema->pool->FindEnumTypeByName("ghl.contacts.v1.EventType"), nullptr);
  // The gateway's health service has no descriptor to serve.
  for (const std::string& name : schema->unresolved) EXPECT_THAT(name, Not(HasSubstr("ghl.")));
}

TEST_F(GatewayFixture, ActionsAreTheAnnotatedMethodsOfEveryServedService) {
  absl::StatusOr<ReflectedSchema> schema = ServerReflectionClient(channel_, absl::Seconds(10)).Fetch();
  ASSERT_THAT(schema.status(), IsOk());
  absl::StatusOr<Catalog> catalog = FetchCatalog(channel_, absl::Seconds(10));
  ASSERT_THAT(catalog.status(), IsOk());

  // Expected: the compiled descriptors of the same services.
  std::multiset<std::string> want;
  for (const std::string& name : schema->services) {
    if (!absl::StartsWith(name, "ghl.")) continue;
    const google::protobuf::ServiceDescriptor* service =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(name);
    ASSERT_NE(service, nullptr) << name;
    for (int m = 0; m < service->method_count(); ++m) {
      const google::protobuf::MethodOptions& options = service->method(m)->options();
      if (!options.HasExtension(ghl::api::v1::operation)) continue;
      want.insert(absl::StrCat(name, "/", service->method(m)->name(), " ",
                               OperationKey(options.GetExtension(ghl::api::v1::operation))));
    }
  }
  std::multiset<std::string> got;
  for (const CatalogAction& action : catalog->actions) {
    got.insert(absl::StrCat(action.method, " ", OperationKey(action.operation)));
  }
  EXPECT_EQ(got, want);
  EXPECT_THAT(got, Contains("ghl.contacts.v1.ContactsService/GetContact get-contact GET /contacts/{contactId} "
                            "contacts.readonly"));
  for (const CatalogAction& action : catalog->actions) {
    if (action.method == "ghl.contacts.v1.ContactsService/ListContacts") EXPECT_TRUE(action.server_streaming);
    if (action.method == "ghl.contacts.v1.ContactsService/GetContact") EXPECT_FALSE(action.server_streaming);
  }
}

// The promise: the catalog lists every operation of the spec (the
// coverage check proves the annotations match the spec; this proves the
// gateway serves every annotated service).
TEST_F(GatewayFixture, ActionsCoverEveryOperationOfTheSpec) {
  const std::string text = ghl::testing::ReadFile(ghl::testing::SharedDir() + "/ghl-api/apps/contacts.json");
  rapidjson::Document spec;
  spec.Parse(text.c_str());
  ASSERT_TRUE(spec.IsObject() && spec.HasMember("paths")) << "cannot read apps/contacts.json";
  std::set<std::string> want;
  for (const auto& path : spec["paths"].GetObject()) {
    for (const auto& op : path.value.GetObject()) {
      if (op.value.IsObject() && op.value.HasMember("operationId")) want.insert(op.value["operationId"].GetString());
    }
  }
  absl::StatusOr<Catalog> catalog = FetchCatalog(channel_, absl::Seconds(10));
  ASSERT_THAT(catalog.status(), IsOk());
  std::set<std::string> got;
  for (const CatalogAction& action : catalog->actions) got.insert(action.operation.operation_id());
  EXPECT_EQ(got, want);
}

TEST_F(GatewayFixture, TriggersAreOneEventTypePerWebhookDocument) {
  absl::StatusOr<Catalog> catalog = FetchCatalog(channel_, absl::Seconds(10));
  ASSERT_THAT(catalog.status(), IsOk());
  std::vector<std::string> names;
  for (const CatalogTrigger& trigger : catalog->triggers) {
    names.push_back(trigger.description.name());
    EXPECT_TRUE(absl::StartsWith(trigger.event_type, "EVENT_TYPE_")) << trigger.event_type;
    EXPECT_FALSE(trigger.description.payload_type().empty()) << trigger.event_type;
    EXPECT_FALSE(trigger.description.summary().empty()) << trigger.event_type;
  }
  std::sort(names.begin(), names.end());
  const std::vector<std::string> docs = WebhookEventDocs();
  ASSERT_FALSE(docs.empty()) << "no webhook event documents under " << ghl::testing::SharedDir();
  EXPECT_EQ(names, docs);
  ASSERT_FALSE(catalog->triggers.empty());
  EXPECT_EQ(catalog->triggers[0].event_type, "EVENT_TYPE_CONTACT_CREATE");
  EXPECT_EQ(catalog->triggers[0].number, 1);
  EXPECT_EQ(catalog->triggers[0].description.payload_type(), "ContactCreate");
}

TEST_F(GatewayFixture, GhlctlCatalogPrintsTablesAndJson) {
  std::istringstream in;
  std::ostringstream out;
  std::ostringstream err;
  ghlctl::Console console{&in, &out, &err, false};
  ghlctl::RunOptions options;
  options.clock = std::make_shared<testing::FakeClock>();
  options.env = [](const std::string&) { return std::nullopt; };

  ASSERT_EQ(ghlctl::Run({"--gateway", gateway_->address(), "catalog"}, console, options), ghlctl::kExitOk)
      << err.str();
  const std::string table = out.str();
  EXPECT_THAT(table, HasSubstr("ACTIONS ("));
  EXPECT_THAT(table, HasSubstr("TRIGGERS (16 webhook event types)"));
  EXPECT_THAT(table, ::testing::ContainsRegex(
                         "ghl.contacts.v1.ContactsService/GetContact +unary +get-contact +GET /contacts/\\{contactId\\} "
                         "+contacts.readonly\n"));
  EXPECT_THAT(table, ::testing::ContainsRegex("ghl.contacts.v1.ContactsService/ListContacts +stream +get-contacts"));
  EXPECT_THAT(table, ::testing::ContainsRegex("EVENT_TYPE_APP_INSTALL +AppInstall +INSTALL +Called whenever"));
  EXPECT_EQ(err.str(), "");

  out.str("");
  ASSERT_EQ(ghlctl::Run({"catalog", "--json", "--gateway", gateway_->address()}, console, options), ghlctl::kExitOk)
      << err.str();
  rapidjson::Document doc;
  doc.Parse(out.str().c_str());
  ASSERT_FALSE(doc.HasParseError()) << out.str();
  ASSERT_TRUE(doc["actions"].IsArray());
  ASSERT_TRUE(doc["triggers"].IsArray());
  EXPECT_EQ(doc["triggers"].Size(), 16u);
  bool found = false;
  for (const rapidjson::Value& action : doc["actions"].GetArray()) {
    if (std::string(action["method"].GetString()) != "ghl.contacts.v1.ContactsService/ListContacts") continue;
    found = true;
    EXPECT_TRUE(action["serverStreaming"].GetBool());
    EXPECT_STREQ(action["operationId"].GetString(), "get-contacts");
    EXPECT_STREQ(action["httpMethod"].GetString(), "GET");
    EXPECT_STREQ(action["path"].GetString(), "/contacts/");
    EXPECT_STREQ(action["scope"].GetString(), "contacts.readonly");
  }
  EXPECT_TRUE(found);
}

TEST(GhlctlCatalogTest, HelpAndUsageErrors) {
  std::istringstream in;
  std::ostringstream out;
  std::ostringstream err;
  ghlctl::Console console{&in, &out, &err, false};
  ghlctl::RunOptions options;
  options.clock = std::make_shared<testing::FakeClock>();
  options.env = [](const std::string&) { return std::nullopt; };
  EXPECT_EQ(ghlctl::Run({"catalog", "--help"}, console, options), ghlctl::kExitOk);
  EXPECT_THAT(out.str(), HasSubstr("Usage: ghlctl catalog [--json]"));
  out.str("");
  EXPECT_EQ(ghlctl::Run({"help", "catalog"}, console, options), ghlctl::kExitOk);
  EXPECT_THAT(out.str(), HasSubstr("Usage: ghlctl catalog [--json]"));
  out.str("");
  EXPECT_EQ(ghlctl::Run({"--help"}, console, options), ghlctl::kExitOk);
  EXPECT_THAT(out.str(), ::testing::ContainsRegex("\n  catalog +List every operation"));
  EXPECT_EQ(ghlctl::Run({"catalog", "--location", "L"}, console, options), ghlctl::kExitUsage);
  EXPECT_THAT(err.str(), HasSubstr("unknown flag '--location' for 'ghlctl catalog'"));
  err.str("");
  EXPECT_EQ(ghlctl::Run({"catalog", "extra"}, console, options), ghlctl::kExitUsage);
  EXPECT_THAT(err.str(), HasSubstr("unexpected argument 'extra'"));
}

TEST(GhlctlCatalogTest, UnreachableGatewayIsAnRpcError) {
  std::istringstream in;
  std::ostringstream out;
  std::ostringstream err;
  ghlctl::Console console{&in, &out, &err, false};
  ghlctl::RunOptions options;
  options.clock = std::make_shared<testing::FakeClock>();
  options.env = [](const std::string&) { return std::nullopt; };
  const std::string address = absl::StrCat("127.0.0.1:", ghl::testing::FreePort());
  EXPECT_EQ(ghlctl::Run({"catalog", "--gateway", address, "--timeout", "2s"}, console, options),
            ghlctl::kExitRpcError);
  EXPECT_THAT(err.str(), ::testing::StartsWith("error: UNAVAILABLE: server reflection:"));
  EXPECT_EQ(out.str(), "");
}

// Options whose extension this binary does not link stay unknown fields in
// the generated options class; the readers then decode them by number.
TEST(CatalogOptionsTest, ReadsOptionsFromTheExtensionOrByFieldNumber) {
  ghl::api::v1::GhlOperation op;
  op.set_operation_id("get-task");
  op.set_http_method("GET");
  op.set_path("/contacts/{contactId}/tasks/{taskId}");
  op.set_scope("contacts.readonly");

  google::protobuf::MethodOptions with_extension;
  *with_extension.MutableExtension(ghl::api::v1::operation) = op;
  ASSERT_TRUE(ReadOperationOption(with_extension).has_value());
  EXPECT_EQ(ReadOperationOption(with_extension)->SerializeAsString(), op.SerializeAsString());

  google::protobuf::MethodOptions unknown;
  unknown.mutable_unknown_fields()->AddLengthDelimited(51234, op.SerializeAsString());
  ASSERT_FALSE(unknown.HasExtension(ghl::api::v1::operation));
  ASSERT_TRUE(ReadOperationOption(unknown).has_value());
  EXPECT_EQ(ReadOperationOption(unknown)->path(), "/contacts/{contactId}/tasks/{taskId}");
  EXPECT_EQ(ReadOperationOption(unknown)->scope(), "contacts.readonly");

  EXPECT_FALSE(ReadOperationOption(google::protobuf::MethodOptions()).has_value());
  google::protobuf::MethodOptions other;
  other.mutable_unknown_fields()->AddLengthDelimited(51299, "x");
  EXPECT_FALSE(ReadOperationOption(other).has_value());

  v1::EventTypeDescription description;
  description.set_name("AppInstall");
  description.set_payload_type("INSTALL");
  google::protobuf::EnumValueOptions value_options;
  value_options.mutable_unknown_fields()->AddLengthDelimited(51235, description.SerializeAsString());
  ASSERT_TRUE(ReadEventDescriptionOption(value_options).has_value());
  EXPECT_EQ(ReadEventDescriptionOption(value_options)->payload_type(), "INSTALL");
}

// The same, end to end: a reflected file whose options arrive as unknown
// fields (as a binary without ghl::proto would see them) still yields the
// action.
TEST(CatalogOptionsTest, CatalogFromPoolReadsUnknownOptionFields) {
  google::protobuf::DescriptorPool pool;
  google::protobuf::FileDescriptorProto file;
  file.set_name("ghl/test/v1/things.proto");
  file.set_package("ghl.test.v1");
  file.set_syntax("proto3");
  google::protobuf::DescriptorProto* message = file.add_message_type();
  message->set_name("Thing");
  google::protobuf::ServiceDescriptorProto* service = file.add_service();
  service->set_name("ThingsService");
  google::protobuf::MethodDescriptorProto* method = service->add_method();
  method->set_name("ListThings");
  method->set_input_type(".ghl.test.v1.Thing");
  method->set_output_type(".ghl.test.v1.Thing");
  method->set_server_streaming(true);
  ghl::api::v1::GhlOperation op;
  op.set_operation_id("list-things");
  op.set_http_method("GET");
  op.set_path("/things");
  method->mutable_options()->mutable_unknown_fields()->AddLengthDelimited(51234, op.SerializeAsString());
  ASSERT_NE(pool.BuildFile(file), nullptr);

  Catalog catalog = CatalogFromPool(pool, {"ghl.test.v1.ThingsService", "grpc.health.v1.Health"});
  ASSERT_EQ(catalog.actions.size(), 1u);
  EXPECT_EQ(catalog.actions[0].method, "ghl.test.v1.ThingsService/ListThings");
  EXPECT_TRUE(catalog.actions[0].server_streaming);
  EXPECT_EQ(catalog.actions[0].operation.operation_id(), "list-things");
  EXPECT_TRUE(catalog.triggers.empty());
  EXPECT_THAT(FormatCatalogTable(catalog),
              ::testing::ContainsRegex("ghl.test.v1.ThingsService/ListThings +stream +list-things +GET /things +-\n"));
}

}  // namespace
}  // namespace ghl::client
