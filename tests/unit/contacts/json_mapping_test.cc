// Tests of the generic reflection-driven mapper (json_mapping.h) on its own:
// enum spellings, integer ranges, messages without `extra`, the write shape,
// DTO helpers, read masks, paths and number formatting. The contact-specific
// behaviour is covered by contact_mapping_test.cc, the task/note/
// appointment/tag models by resource_mapping_test.cc.
#include "adapters/ghl/contacts/json_mapping.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "ghl/contacts/v1/appointments_service.pb.h"
#include "ghl/contacts/v1/contact.pb.h"
#include "ghl/contacts/v1/tags_service.pb.h"
#include "ghl/contacts/v1/task.pb.h"
#include "tests/support/status_matchers.h"

namespace ghl::contacts::json {
namespace {

namespace v1 = ::ghl::contacts::v1;
using ::ghl::testing::IsOk;
using ::ghl::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;

const JsonMapper& SettingJson() { return DefaultMapper<v1::DndChannelSetting>("setting"); }
const JsonMapper& CursorJson() { return DefaultMapper<v1::ContactAppointmentsCursor>("cursor"); }

std::string Write(const JsonMapper& mapper, const google::protobuf::Message& msg, Shape shape,
                  absl::Status* status = nullptr) {
  rapidjson::Document doc;
  auto s = mapper.ToJson(msg, shape, &doc, doc.GetAllocator());
  if (status != nullptr) *status = s;
  return Serialize(doc);
}

TEST(JsonMapperTest, EnumsAreSpelledByValueNameWithoutPrefix) {
  auto setting = SettingJson().Parse<v1::DndChannelSetting>(R"({"status":"permanent"})");
  ASSERT_THAT(setting, IsOk());
  EXPECT_EQ(setting->status(), v1::DND_STATUS_PERMANENT);
  EXPECT_EQ(SettingJson().ToJsonString(*setting), R"({"status":"permanent"})");

  auto bulk = DefaultMapper<v1::BulkUpdateTagsRequest>("bulk request")
                  .Parse<v1::BulkUpdateTagsRequest>(R"({"type":"remove"})");
  ASSERT_THAT(bulk, IsOk());
  EXPECT_EQ(bulk->type(), v1::BULK_TAGS_UPDATE_TYPE_REMOVE);
}

TEST(JsonMapperTest, UnknownEnumSpellingInTheRootGoesToExtra) {
  // Members after the enum are still read.
  auto setting = SettingJson().Parse<v1::DndChannelSetting>(R"({"status":"paused","message":"m"})");
  ASSERT_THAT(setting, IsOk());
  EXPECT_EQ(setting->status(), v1::DND_STATUS_UNSPECIFIED);
  EXPECT_EQ(setting->message(), "m");
  EXPECT_EQ(setting->extra().fields().at("status").string_value(), "paused");
  EXPECT_EQ(SettingJson().ToJsonString(*setting), R"({"message":"m","status":"paused"})");
}

TEST(JsonMapperTest, WriteShapeRequiresEnumsAndDropsExtra) {
  v1::DndChannelSetting setting;
  setting.set_message("m");
  (*setting.mutable_extra()->mutable_fields())["x"].set_bool_value(true);
  absl::Status status;
  Write(SettingJson(), setting, Shape::kWrite, &status);
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument,
                               AllOf(HasSubstr("status"),
                                     HasSubstr("must be active, inactive or permanent"))));
  setting.set_status(v1::DND_STATUS_ACTIVE);
  EXPECT_EQ(Write(SettingJson(), setting, Shape::kWrite, &status),
            R"({"status":"active","message":"m"})");
  EXPECT_THAT(status, IsOk());
  EXPECT_EQ(Write(SettingJson(), setting, Shape::kRead),
            R"({"status":"active","message":"m","x":true})");
}

TEST(JsonMapperTest, IntegersKeepTheirRangeAndPrecision) {
  auto cursor = CursorJson().Parse<v1::ContactAppointmentsCursor>(
      R"({"appointmentsDelivered":9007199254740993,"pagesDelivered":2.0})");
  ASSERT_THAT(cursor, IsOk());
  EXPECT_EQ(cursor->appointments_delivered(), 9007199254740993);
  EXPECT_EQ(cursor->pages_delivered(), 2);
  EXPECT_EQ(CursorJson().ToJsonString(*cursor),
            R"({"pagesDelivered":2,"appointmentsDelivered":9007199254740993})");
}

TEST(JsonMapperTest, MistypedMemberWithoutExtraIsInternal) {
  for (const char* text : {R"({"pagesDelivered":"2"})", R"({"pagesDelivered":2.5})",
                           R"({"pagesDelivered":3000000000})", R"({"other":1})"}) {
    SCOPED_TRACE(text);
    EXPECT_THAT(CursorJson().Parse<v1::ContactAppointmentsCursor>(text),
                StatusIs(absl::StatusCode::kInternal, HasSubstr("has no `extra` Struct")));
  }
}

TEST(JsonMapperTest, NullLeavesAFieldAbsent) {
  auto task = DefaultMapper<v1::Task>("task").Parse<v1::Task>(
      R"({"title":null,"completed":null,"dueDate":null})");
  ASSERT_THAT(task, IsOk());
  EXPECT_FALSE(task->has_title());
  EXPECT_FALSE(task->has_completed());
  EXPECT_FALSE(task->has_due_date());
  EXPECT_TRUE(task->extra().fields().empty());
}

TEST(JsonMapperTest, InvalidUtf8IsRefusedWithItsPath) {
  rapidjson::Document doc;
  doc.Parse(R"({"title":"x"})");
  doc["title"].SetString("\xC3\x28", 2);  // a broken two-byte sequence
  v1::Task task;
  EXPECT_THAT(DefaultMapper<v1::Task>("task").FromJson(doc, &task),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("not valid UTF-8"), HasSubstr("title"))));
  EXPECT_FALSE(task.has_title());
}

TEST(FieldPathTest, FormatsMembersAndElements) {
  const FieldPath root;
  EXPECT_EQ(root.ToString(), "(root)");
  const FieldPath a = root.Member("a");
  const FieldPath b = a.Member("b");
  const FieldPath two = b.Element(2);
  EXPECT_EQ(two.Member("c").ToString(), "a.b[2].c");
}

TEST(JsonNumberTest, ShortestRoundTrippingText) {
  auto text = [](double d) {
    rapidjson::Value v;
    SetJsonNumber(d, &v);
    return Serialize(v);
  };
  EXPECT_EQ(text(0.1), "0.1");
  EXPECT_EQ(text(3), "3");
  EXPECT_EQ(text(-0.0), "-0");
  EXPECT_EQ(text(1e300), "1e+300");
  EXPECT_EQ(text(std::nan("")), "null");
  EXPECT_EQ(text(std::numeric_limits<double>::infinity()), "null");
}

TEST(DtoTest, NullableFieldsClearWithNull) {
  constexpr DtoField kFields[] = {{"title", kInUpdate}, {"body", kInUpdate | kNullableInUpdate}};
  google::protobuf::FieldMask mask;
  mask.add_paths("body");
  auto body = UpdateBodyFromMask(DefaultMapper<v1::Task>("task"), v1::Task(), mask, kFields, "Dto");
  ASSERT_THAT(body, IsOk());
  EXPECT_EQ(*body, R"({"body":null})");
}

TEST(ReadMaskTest, KeepsMaskedFieldsAndTheAlwaysKeptOne) {
  v1::Task task;
  task.set_id("t");
  task.set_title("x");
  task.set_body("y");
  google::protobuf::FieldMask mask;
  mask.add_paths("title");
  ASSERT_THAT(ApplyReadMask(mask, "id", &task), IsOk());
  EXPECT_EQ(task.id(), "t");
  EXPECT_EQ(task.title(), "x");
  EXPECT_FALSE(task.has_body());
  mask.add_paths("nope");
  EXPECT_THAT(ApplyReadMask(mask, "id", &task),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("\"nope\""), HasSubstr("ghl.contacts.v1.Task"))));
}

}  // namespace
}  // namespace ghl::contacts::json
