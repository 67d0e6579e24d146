// TagsStub against a scripted transport: tags travel as JSON arrays (a tag
// with a comma stays one tag), exact URLs and methods, the bulk update's
// typed path segment, the spec's example answers, and error mapping.
#include "adapters/ghl/contacts/tags_stub.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/support/status_matchers.h"
#include "tests/unit/contacts/stub_test_util.h"

namespace ghl::contacts {
namespace {

namespace v1 = ::ghl::contacts::v1;
using ::ghl::contacts::testing::ExpectRequest;
using ::ghl::contacts::testing::ForContact;
using ::ghl::contacts::testing::kLocation;
using ::ghl::contacts::testing::OperationExample;
using ::ghl::testing::IsOk;
using ::ghl::testing::StatusIs;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class TagsStubTest : public testing::ScriptedStubTest<TagsStub> {
 protected:
  TagsStubTest() : ScriptedStubTest(MakeDefaultTagsStub) {}
};

TEST_F(TagsStubTest, AddTagsPostsAListAndParsesTheSpecExample) {
  transport_->AddResponse(201, OperationExample("post", "/contacts/{contactId}/tags", "201"));
  auto request = ForContact<v1::AddTagsRequest>("c1");
  request.add_tags("vip, gold");
  request.add_tags("lead");
  auto added = stub_->AddTags(options_, request);
  ASSERT_THAT(added, IsOk());
  ExpectRequest(transport_->requests().at(0), "POST", "http://ghl.test/contacts/c1/tags",
                R"({"tags":["vip, gold","lead"]})");
  EXPECT_THAT(added->tags(), ElementsAre("minim", "velit magna"));
}

TEST_F(TagsStubTest, RemoveTagsDeletesWithABody) {
  transport_->AddResponse(200, OperationExample("delete", "/contacts/{contactId}/tags", "200"));
  auto request = ForContact<v1::RemoveTagsRequest>("c1");
  request.add_tags("a,b,c");
  auto removed = stub_->RemoveTags(options_, request);
  ASSERT_THAT(removed, IsOk());
  ExpectRequest(transport_->requests().at(0), "DELETE", "http://ghl.test/contacts/c1/tags",
                R"({"tags":["a,b,c"]})");
  EXPECT_EQ(removed->tags_size(), 2);
}

TEST_F(TagsStubTest, BulkUpdateTagsPostsToTheTypedPath) {
  transport_->AddResponse(201,
                          OperationExample("post", "/contacts/bulk/tags/update/{type}", "201"));
  transport_->AddResponse(201, R"({"succeded":true,"errorCount":0,"responses":[]})");
  v1::BulkUpdateTagsRequest request;
  request.set_location_id(kLocation);
  request.set_type(v1::BULK_TAGS_UPDATE_TYPE_ADD);
  request.add_contact_ids("c1");
  request.add_contact_ids("c2");
  request.add_tags("t1");
  auto answer = stub_->BulkUpdateTags(options_, request);
  ASSERT_THAT(answer, IsOk());
  ExpectRequest(transport_->requests().at(0), "POST",
                "http://ghl.test/contacts/bulk/tags/update/add",
                R"({"contacts":["c1","c2"],"tags":["t1"],"locationId":"LOC1"})");
  EXPECT_TRUE(answer->succeeded());
  EXPECT_EQ(answer->responses_size(), 4);

  request.set_type(v1::BULK_TAGS_UPDATE_TYPE_REMOVE);
  request.set_remove_all_tags(true);
  request.clear_tags();
  ASSERT_THAT(stub_->BulkUpdateTags(options_, request), IsOk());
  ExpectRequest(transport_->requests().at(1), "POST",
                "http://ghl.test/contacts/bulk/tags/update/remove",
                R"({"contacts":["c1","c2"],"tags":[],"locationId":"LOC1","removeAllTags":true})");
}

TEST_F(TagsStubTest, UnspecifiedBulkTypeSendsNothing) {
  v1::BulkUpdateTagsRequest request;
  request.set_location_id(kLocation);
  request.add_contact_ids("c1");
  EXPECT_THAT(stub_->BulkUpdateTags(options_, request),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("type")));
  EXPECT_TRUE(transport_->requests().empty());
}

TEST_F(TagsStubTest, ErrorsAndUnusableAnswers) {
  transport_->AddResponse(400, R"({"statusCode":400,"message":"tags must be an array"})");
  transport_->AddResponse(201, R"({"tags":"minim"})");
  transport_->AddResponse(201, "[");
  auto request = ForContact<v1::AddTagsRequest>("c1");
  request.add_tags("x");
  EXPECT_THAT(stub_->AddTags(options_, request),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("tags must be an array")));
  // A mistyped member is kept, not an error.
  auto kept = stub_->AddTags(options_, request);
  ASSERT_THAT(kept, IsOk());
  EXPECT_EQ(kept->extra().fields().at("tags").string_value(), "minim");
  EXPECT_THAT(stub_->AddTags(options_, request),
              StatusIs(absl::StatusCode::kUnavailable,
                       AllOf(HasSubstr("GHL applied the add-tags"), HasSubstr("malformed"))));
}

}  // namespace
}  // namespace ghl::contacts
