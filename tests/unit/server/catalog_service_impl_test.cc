// CatalogServiceImpl: the EventType enum against GHL's webhook documents
// (one value per document, payload `type` strings as the examples send
// them), and ListEventTypes over gRPC in-process.
#include "server/catalog_service_impl.h"

#include <dirent.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <grpc/support/time.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "tests/support/subprocess.h"

namespace ghl::server {
namespace {

namespace v1 = ::ghl::contacts::v1;

// GHL event name (file stem) -> the `type` of the document's first example
// payload ("" if it has none).
std::map<std::string, std::string> WebhookDocs() {
  std::map<std::string, std::string> docs;
  const std::string dir = ghl::testing::SharedDir() + "/ghl-api/docs/webhook-events";
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return docs;
  while (dirent* entry = readdir(d)) {
    const std::string file = entry->d_name;
    if (!absl::EndsWith(file, ".md")) continue;
    const std::string text = ghl::testing::ReadFile(dir + "/" + file);
    std::string type;
    // The schema block is "```json json_schema"; examples are plain "```json".
    size_t start = text.find("```json\n");
    if (start != std::string::npos) {
      start += 8;
      const size_t end = text.find("```", start);
      rapidjson::Document example;
      example.Parse(text.substr(start, end - start).c_str());
      if (!example.HasParseError() && example.IsObject() && example.HasMember("type") && example["type"].IsString()) {
        type = example["type"].GetString();
      }
    }
    docs[file.substr(0, file.size() - 3)] = type;
  }
  closedir(d);
  return docs;
}

TEST(CatalogServiceImplTest, OneEventTypePerWebhookDocumentWithItsPayloadType) {
  const std::map<std::string, std::string> docs = WebhookDocs();
  ASSERT_FALSE(docs.empty()) << "no webhook documents under " << ghl::testing::SharedDir();
  const v1::ListEventTypesResponse list = BuildEventTypeList();
  std::map<std::string, std::string> got;  // name -> payload type
  for (const v1::EventTypeInfo& info : list.event_types()) {
    EXPECT_NE(info.event_type(), v1::EVENT_TYPE_UNSPECIFIED);
    EXPECT_FALSE(info.description().summary().empty()) << info.description().name();
    got[info.description().name()] = info.description().payload_type();
  }
  ASSERT_EQ(got.size(), static_cast<size_t>(list.event_types_size())) << "duplicate event names";
  for (const auto& [name, example_type] : docs) {
    ASSERT_EQ(got.count(name), 1u) << "no EventType value for " << name;
    // Two documents' examples were copied from AppointmentCreate: an example
    // whose type is another documented event is a slip of GHL's docs, and
    // the event's own name is its payload type.
    const bool slip = example_type != name && docs.count(example_type) > 0;
    EXPECT_EQ(got[name], slip ? name : example_type) << name;
  }
  EXPECT_EQ(got.size(), docs.size());
}

TEST(CatalogServiceImplTest, ValuesComeInEnumOrderWithTheirNumbers) {
  const v1::ListEventTypesResponse list = BuildEventTypeList();
  ASSERT_EQ(list.event_types_size(), v1::EventType_descriptor()->value_count() - 1);
  for (int i = 0; i < list.event_types_size(); ++i) {
    EXPECT_EQ(list.event_types(i).event_type(), v1::EventType_descriptor()->value(i + 1)->number());
  }
  EXPECT_EQ(list.event_types(0).event_type(), v1::EVENT_TYPE_CONTACT_CREATE);
  EXPECT_EQ(list.event_types(0).description().payload_type(), "ContactCreate");
}

TEST(CatalogServiceImplTest, ListEventTypesOverGrpc) {
  CatalogServiceImpl service;
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  ASSERT_NE(server, nullptr);
  auto stub = v1::CatalogService::NewStub(
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  context.set_deadline(gpr_time_from_seconds(10, GPR_TIMESPAN));
  v1::ListEventTypesResponse response;
  grpc::Status status = stub->ListEventTypes(&context, v1::ListEventTypesRequest(), &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.SerializeAsString(), BuildEventTypeList().SerializeAsString());
  EXPECT_EQ(response.event_types_size(), 16);
  server->Shutdown();
}

}  // namespace
}  // namespace ghl::server
