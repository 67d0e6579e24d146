#include "tools/ghl-sandbox/contact_dto.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ghl::sandbox {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

LocationInfo Location() {
  LocationInfo info;
  info.id = "L1";
  info.custom_fields = {{"CF1", "contact.lead_score", "Lead Score", "NUMERICAL", {}},
                        {"CF2", "contact.industry", "Industry", "SINGLE_OPTIONS", {"SaaS", "Retail"}}};
  return info;
}

rapidjson::Document Parse(const std::string& text) {
  rapidjson::Document doc;
  doc.Parse(text.data(), text.size());
  EXPECT_FALSE(doc.HasParseError()) << text;
  return doc;
}

std::vector<std::string> Validate(const std::string& body, DtoKind kind) {
  const LocationInfo location = Location();
  return ValidateContactDto(Parse(body), kind, &location);
}

TEST(ValidateContactDtoTest, CreateNeedsLocationId) {
  EXPECT_THAT(Validate("{}", DtoKind::kCreate), ElementsAre("locationId should not be empty"));
  EXPECT_THAT(Validate(R"({"locationId":""})", DtoKind::kCreate), ElementsAre("locationId should not be empty"));
  EXPECT_THAT(Validate(R"({"locationId":null})", DtoKind::kCreate), ElementsAre("locationId should not be empty"));
  EXPECT_THAT(Validate(R"({"locationId":7})", DtoKind::kCreate), ElementsAre("locationId must be a string"));
  EXPECT_THAT(Validate(R"({"locationId":"L1"})", DtoKind::kCreate), IsEmpty());
}

TEST(ValidateContactDtoTest, TypesAndFormats) {
  EXPECT_THAT(Validate(R"({"locationId":"L1","email":"x","firstName":3,"dnd":"yes","tags":["a",1]})",
                       DtoKind::kCreate),
              ElementsAre("firstName must be a string", "email must be an email",
                          "dnd must be a boolean value", "each value in tags must be a string"));
  EXPECT_THAT(Validate(R"({"locationId":"L1","phone":"call me"})", DtoKind::kCreate),
              ElementsAre("phone must be a valid phone number"));
  EXPECT_THAT(Validate(R"({"locationId":"L1","email":"","phone":""})", DtoKind::kCreate), IsEmpty());
}

TEST(ValidateContactDtoTest, NullOnlyForNullableMembers) {
  EXPECT_THAT(Validate(R"({"email":null,"firstName":null,"source":null,"assignedTo":null})", DtoKind::kUpdate),
              IsEmpty());
  EXPECT_THAT(Validate(R"({"postalCode":null,"tags":null,"dnd":null})", DtoKind::kUpdate),
              ElementsAre("postalCode must be a string", "dnd must be a boolean value", "tags must be an array"));
  EXPECT_THAT(Validate(R"({"locationId":"L1","source":null})", DtoKind::kCreate),
              ElementsAre("source must be a string"));
}

TEST(ValidateContactDtoTest, UnknownPropertiesAreRejected) {
  EXPECT_THAT(Validate(R"({"locationId":"L1","foo":1})", DtoKind::kUpdate),
              ElementsAre("property locationId should not exist", "property foo should not exist"));
  EXPECT_THAT(Validate(R"({"locationId":"L1","gender":"female","companyName":"X"})", DtoKind::kCreate),
              IsEmpty());
  EXPECT_THAT(Validate(R"({"gender":"female","companyName":"X"})", DtoKind::kUpdate),
              ElementsAre("property gender should not exist"));
}

TEST(ValidateContactDtoTest, DndSettingsShape) {
  EXPECT_THAT(Validate(R"({"dndSettings":{"SMS":{"status":"active"},"Fax":{},"Email":{"status":"maybe","x":1}}})",
                       DtoKind::kUpdate),
              ElementsAre("property dndSettings.Fax should not exist",
                          "dndSettings.Email.status must be one of the following values: active, inactive, permanent",
                          "property dndSettings.Email.x should not exist"));
  EXPECT_THAT(Validate(R"({"inboundDndSettings":{"all":{"status":"permanent"}}})", DtoKind::kUpdate),
              ElementsAre("inboundDndSettings.all.status must be one of the following values: active, inactive"));
}

TEST(ValidateContactDtoTest, CustomFieldReferences) {
  EXPECT_THAT(Validate(R"({"customFields":[{"id":"CF1","field_value":1},{"key":"industry","field_value":"SaaS"},)"
                       R"({"key":"contact.lead_score","field_value":null}]})",
                       DtoKind::kUpdate),
              IsEmpty());
  EXPECT_THAT(Validate(R"({"customFields":[{"id":"nope"},{"field_value":1},"x"]})", DtoKind::kUpdate),
              ElementsAre("customFields.0 refers to an unknown custom field: nope",
                          "customFields.1.id should not be empty", "customFields.2 must be an object"));
  EXPECT_THAT(ValidateContactDto(Parse(R"({"customFields":[{"id":"CF1"}]})"), DtoKind::kUpdate, nullptr),
              ElementsAre("customFields.0 refers to an unknown custom field: CF1"));
}

TEST(BuildNewContactTest, BuildsTheStoredShape) {
  const LocationInfo location = Location();
  rapidjson::Document contact;
  BuildNewContact(Parse(R"({"locationId":"L1","firstName":"Zoë","lastName":"Ärger","email":"A@B.co",)"
                        R"("phone":"(415) 555-0101","tags":["x, y","x, y","z"],"source":null,)"
                        R"("customFields":[{"key":"lead_score","field_value":5},{"id":"CF1","field_value":6},)"
                        R"({"id":"CF2","field_value":null}]})"),
                  &location, "ID0123456789abcdefgh", "2021-07-02T05:18:26.704Z", &contact);
  EXPECT_EQ(ToJson(contact),
            R"({"id":"ID0123456789abcdefgh","locationId":"L1","firstName":"Zoë","lastName":"Ärger",)"
            R"("name":"Zoë Ärger","firstNameLowerCase":"zoë","lastNameLowerCase":"ärger",)"
            R"("fullNameLowerCase":"zoë ärger","email":"A@B.co","emailLowerCase":"a@b.co",)"
            R"("phone":"+14155550101","dnd":false,"dndSettings":{},"type":"lead","tags":["x, y","z"],)"
            R"("dateAdded":"2021-07-02T05:18:26.704Z","dateUpdated":"2021-07-02T05:18:26.704Z",)"
            R"("followers":[],"customFields":[{"id":"CF1","value":6}]})");
}

TEST(BuildNewContactTest, ExplicitNameWins) {
  rapidjson::Document contact;
  BuildNewContact(Parse(R"({"locationId":"L1","name":"Rosan Deo","firstName":"R"})"), nullptr, "X",
                  "2021-07-02T05:18:26.704Z", &contact);
  EXPECT_STREQ(contact["name"].GetString(), "Rosan Deo");
  EXPECT_STREQ(contact["fullNameLowerCase"].GetString(), "rosan deo");
}

TEST(ApplyContactUpdateTest, NullClearsTagsOverwriteCustomFieldsMerge) {
  const LocationInfo location = Location();
  rapidjson::Document contact = Parse(
      R"({"id":"X","unknownMember":{"kept":true},"firstName":"Ann","lastName":"Lee","name":"Ann Lee",)"
      R"("firstNameLowerCase":"ann","lastNameLowerCase":"lee","fullNameLowerCase":"ann lee",)"
      R"("email":"a@b.co","emailLowerCase":"a@b.co","city":"Köln","tags":["a","b"],)"
      R"("dndSettings":{"SMS":{"status":"active","message":"","code":""}},)"
      R"("dateUpdated":"2020-01-01T00:00:00.000Z","customFields":[{"id":"CF1","value":1},{"id":"CF2","value":"SaaS"}]})");
  ApplyContactUpdate(Parse(R"({"lastName":"Park","email":null,"city":"Zürich","tags":["c","c"],)"
                           R"("dndSettings":{"Email":{"status":"inactive"}},)"
                           R"("customFields":[{"id":"CF2","field_value":null},{"key":"lead_score","field_value":9}]})"),
                     &location, "2021-07-02T05:18:26.704Z", &contact);
  EXPECT_EQ(ToJson(contact),
            R"({"id":"X","unknownMember":{"kept":true},"firstName":"Ann","lastName":"Park","name":"Ann Park",)"
            R"("firstNameLowerCase":"ann","lastNameLowerCase":"park","fullNameLowerCase":"ann park",)"
            R"("city":"Zürich","tags":["c"],)"
            R"("dndSettings":{"SMS":{"status":"active","message":"","code":""},"Email":{"status":"inactive"}},)"
            R"("dateUpdated":"2021-07-02T05:18:26.704Z","customFields":[{"id":"CF1","value":9}]})");
}

TEST(ApplyContactUpdateTest, UntouchedMembersStayByteIdentical) {
  const std::string original =
      R"({"id":"X","firstName":"İlker","firstNameLowerCase":"i̇lker","budget":44866.98,"tags":[]})";
  rapidjson::Document contact;
  contact.Parse<rapidjson::kParseFullPrecisionFlag>(original.data(), original.size());
  ApplyContactUpdate(Parse(R"({"city":"Ankara"})"), nullptr, "2021-07-02T05:18:26.704Z", &contact);
  EXPECT_EQ(ToJson(contact),
            R"({"id":"X","firstName":"İlker","firstNameLowerCase":"i̇lker","budget":44866.98,"tags":[],)"
            R"("city":"Ankara","dateUpdated":"2021-07-02T05:18:26.704Z"})");
}

}  // namespace
}  // namespace ghl::sandbox
