// Mapping tests of the contact actions against the spec's own example
// bodies (built from ../shared/ghl-api/apps/contacts.json at test time):
// upsert, duplicate lookup, business contacts, followers, campaigns,
// workflows, bulk business. Requests: proto -> body equals the example
// (modulo what the spec's examples cannot express); answers: example ->
// proto -> nothing lost.
#include "adapters/ghl/contacts/contact_actions.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <string>

#include "adapters/ghl/contacts/contact_mapping.h"
#include "adapters/ghl/contacts/contacts_stub.h"
#include "tests/support/spec_examples.h"
#include "tests/support/status_matchers.h"

namespace ghl::contacts {
namespace {

using ::ghl::testing::SpecExamples;
using ::ghl::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// JSON equality, member order ignored.
void ExpectSameJson(const std::string& got, const std::string& want) {
  rapidjson::Document a, b;
  a.Parse(got.c_str());
  b.Parse(want.c_str());
  ASSERT_FALSE(a.HasParseError()) << got;
  ASSERT_FALSE(b.HasParseError()) << want;
  EXPECT_TRUE(a == b) << "got  " << got << "\nwant " << want;
}

std::string Example(const char* schema) {
  const std::string text = SpecExamples::Get().Example(schema);
  EXPECT_NE(text, "null") << "no example for " << schema << " (is ../shared there?)";
  return text;
}

class SpecTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(SpecExamples::Get().ok()) << "apps/contacts.json not found"; }
};

TEST_F(SpecTest, UpsertBodyIsTheSpecExample) {
  // The example read as a contact and written back as an upsert body.
  rapidjson::Document example;
  const std::string text = Example("UpsertContactDto");
  example.Parse(text.c_str());
  v1::UpsertContactRequest request;
  request.set_location_id(example["locationId"].GetString());
  ASSERT_TRUE(ContactFromJson(example, request.mutable_contact()).ok());
  request.mutable_contact()->clear_location_id();
  request.mutable_contact()->clear_extra();  // createNewIfDuplicateAllowed
  request.set_create_new_if_duplicate_allowed(true);
  auto body = UpsertContactBody(request);
  ASSERT_TRUE(body.ok()) << body.status();
  // Differences the spec's example cannot avoid: a custom field names its
  // field once (id wins over key), and createNewIfDuplicateAllowed is sent
  // only when true (false is GHL's default).
  auto& custom = example["customFields"][0];
  custom.RemoveMember("key");
  example["createNewIfDuplicateAllowed"] = true;
  ExpectSameJson(*body, json::Serialize(example));
  // Every property of the DTO is written by the mapping.
  rapidjson::Document written;
  written.Parse(body->c_str());
  for (const std::string& name : SpecExamples::Get().Properties("UpsertContactDto")) {
    EXPECT_TRUE(written.HasMember(name.c_str())) << name;
  }
}

TEST_F(SpecTest, UpsertBodyWritesCustomFieldsByKeyAndOmitsTheFlagWhenFalse) {
  v1::UpsertContactRequest request;
  request.set_location_id("L");
  request.mutable_contact()->set_email("a@b.c");
  auto* field = request.mutable_contact()->add_custom_fields();
  field->set_key("contact.lead_score");
  field->set_number_value(7);
  auto body = UpsertContactBody(request);
  ASSERT_TRUE(body.ok()) << body.status();
  EXPECT_EQ(
      *body,
      R"({"locationId":"L","email":"a@b.c","customFields":[{"key":"contact.lead_score","field_value":7}]})");
  request.mutable_contact()->mutable_custom_fields(0)->clear_key();
  EXPECT_THAT(UpsertContactBody(request),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("id or a key")));
}

TEST_F(SpecTest, UpsertAnswerSaysCreatedOrMatched) {
  auto created = ParseUpsertContactBody(Example("UpsertContactsSuccessfulResponseDto"));
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_TRUE(created->created());
  EXPECT_EQ(created->contact().id(), "seD4PfOuKoVMLkEZqohJ");
  EXPECT_EQ(created->matched_contact_id(), "");
  // The whole contact is typed: nothing of the example left in extra.
  EXPECT_FALSE(created->contact().has_extra());

  auto updated = ParseUpsertContactBody(
      R"({"new":false,"contact":{"id":"c9","email":"x@y.z"},"traceId":"t"})");
  ASSERT_TRUE(updated.ok());
  EXPECT_FALSE(updated->created());
  EXPECT_EQ(updated->matched_contact_id(), "c9");
  EXPECT_THAT(ParseUpsertContactBody(R"({"new":true})"),
              StatusIs(absl::StatusCode::kInternal, HasSubstr("no contact")));
  EXPECT_THAT(ParseUpsertContactBody(R"({"new":)"),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("malformed")));
}

TEST_F(SpecTest, DuplicateQueryEncodesAsTheSpecAsks) {
  v1::FindDuplicateContactRequest request;
  request.set_location_id("sadadya1u12basyhasd");
  request.set_phone("+1423164516");
  request.set_email("test+abc@gmail.com");
  // The spec: +1423164516 -> %2B1423164516, test+abc@gmail.com -> test%2Babc%40gmail.com.
  EXPECT_EQ(DuplicateContactQuery(request),
            "locationId=sadadya1u12basyhasd&number=%2B1423164516&email=test%2Babc%40gmail.com");
  request.clear_phone();
  EXPECT_EQ(DuplicateContactQuery(request),
            "locationId=sadadya1u12basyhasd&email=test%2Babc%40gmail.com");
}

TEST_F(SpecTest, DuplicateAnswerWithAndWithoutAMatch) {
  // The spec documents no 200 body; GHL answers {contact} like get-contact.
  const std::string contact = Example("GetContectByIdSchema");
  auto found = ParseDuplicateContactBody(R"({"contact":)" + contact + "}");
  ASSERT_TRUE(found.ok()) << found.status();
  ASSERT_TRUE(found->has_contact());
  EXPECT_EQ(found->contact().id(), "seD4PfOuKoVMLkEZqohJ");
  for (const char* none : {"", "{}", R"({"contact":null})"}) {
    auto answer = ParseDuplicateContactBody(none);
    ASSERT_TRUE(answer.ok()) << none;
    EXPECT_FALSE(answer->has_contact()) << none;
  }
  EXPECT_THAT(ParseDuplicateContactBody(R"({"contact":"x"})"),
              StatusIs(absl::StatusCode::kInternal, HasSubstr("not an object")));
}

TEST_F(SpecTest, BusinessContactsAnswerIsTheSearchSchema) {
  auto page = ParseListContactsBody(Example("ContactsSearchSuccessfulResponseDto"));
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->contacts.size(), 1u);
  EXPECT_EQ(page->contacts[0].id(), "ocQHyuzHvysMo5N5VsXc");
  EXPECT_EQ(page->contacts[0].business_id(), "641c094001436dbc2081e642");
  EXPECT_EQ(page->total, 10);
  EXPECT_FALSE(page->next.has_value());
}

TEST_F(SpecTest, FollowersBodyAndAnswers) {
  rapidjson::Document example;
  const std::string text = Example("FollowersDTO");
  example.Parse(text.c_str());
  google::protobuf::RepeatedPtrField<std::string> followers;
  for (const auto& id : example["followers"].GetArray()) *followers.Add() = id.GetString();
  EXPECT_EQ(FollowersBody(followers), text);

  auto added = ParseAddFollowersBody(Example("CreateAddFollowersSuccessfulResponseDto"));
  ASSERT_TRUE(added.ok()) << added.status();
  EXPECT_THAT(added->followers(), ElementsAre("sx6wyHhbFdRXh302Lunr", "sx6wyHhbFdRXh302LLss"));
  EXPECT_THAT(added->followers_added(),
              ElementsAre("Mx6wyHhbFdRXh302Luer", "Ka6wyHhbFdRXh302LLsAm"));
  EXPECT_FALSE(added->has_extra());
  auto removed = ParseRemoveFollowersBody(Example("DeleteFollowersSuccessfulResponseDto"));
  ASSERT_TRUE(removed.ok()) << removed.status();
  EXPECT_THAT(removed->followers_removed(),
              ElementsAre("Mx6wyHhbFdRXh302Luer", "Ka6wyHhbFdRXh302LLsAm"));
  // Unknown members are kept, not dropped and not an error.
  auto traced =
      ParseRemoveFollowersBody(R"({"followers":[],"followersRemoved":["u"],"traceId":"t-1"})");
  ASSERT_TRUE(traced.ok()) << traced.status();
  EXPECT_EQ(traced->extra().fields().at("traceId").string_value(), "t-1");
  EXPECT_THAT(ParseAddFollowersBody("[]"),
              StatusIs(absl::StatusCode::kInternal, HasSubstr("not an object")));
}

TEST_F(SpecTest, CampaignAndWorkflowAnswers) {
  EXPECT_TRUE(
      CheckSucceded(Example("CreateDeleteCantactsCampaignsSuccessfulResponseDto"), "x").ok());
  EXPECT_TRUE(CheckSucceded(Example("ContactsWorkflowSuccessfulResponseDto"), "x").ok());
  EXPECT_TRUE(CheckSucceded("", "x").ok());
  EXPECT_THAT(CheckSucceded(R"({"succeded":false})", "add-contact-to-campaign"),
              StatusIs(absl::StatusCode::kInternal,
                       HasSubstr("add-contact-to-campaign with succeded=false")));
}

TEST_F(SpecTest, WorkflowBodyIsTheSpecExampleInUtc) {
  rapidjson::Document example;
  const std::string text = Example("CreateWorkflowDto");
  example.Parse(text.c_str());
  google::protobuf::Timestamp start;
  ASSERT_TRUE(ParseGhlTime(example["eventStartTime"].GetString(), &start));
  // 03:30+01:00 is 02:30Z: the same instant, written the way GHL writes dates.
  EXPECT_EQ(WorkflowBody(&start), R"({"eventStartTime":"2021-06-23T02:30:00.000Z"})");
  EXPECT_EQ(WorkflowBody(nullptr), "{}");
}

TEST_F(SpecTest, BulkBusinessBodyAndAnswer) {
  rapidjson::Document example;
  const std::string text = Example("ContactsBusinessUpdate");
  example.Parse(text.c_str());
  v1::BulkUpdateBusinessRequest request;
  request.set_location_id(example["locationId"].GetString());
  for (const auto& id : example["ids"].GetArray()) request.add_contact_ids(id.GetString());
  request.set_business_id(example["businessId"].GetString());
  ExpectSameJson(BulkUpdateBusinessBody(request), text);
  request.set_remove_from_business(true);
  EXPECT_EQ(
      BulkUpdateBusinessBody(request),
      R"({"locationId":"PX8m5VwxEbcpFlzYEPVG","ids":["IDqvFHGColiyK6jiatuz","pOC0uJ97VYOKH2m3fkMD"],"businessId":null})");

  auto answer = ParseBulkUpdateBusinessBody(Example("ContactsBulkUpateResponse"));
  ASSERT_TRUE(answer.ok()) << answer.status();
  EXPECT_THAT(answer->contact_ids(), ElementsAre("pOC0uJ97VYOKH2m3fkMD"));
  EXPECT_THAT(ParseBulkUpdateBusinessBody(R"({"success":false,"ids":[]})"),
              StatusIs(absl::StatusCode::kInternal, HasSubstr("success=false")));
  auto empty = ParseBulkUpdateBusinessBody(R"({"success":true,"ids":[]})");
  ASSERT_TRUE(empty.ok());
  EXPECT_THAT(empty->contact_ids(), IsEmpty());
}

}  // namespace
}  // namespace ghl::contacts
