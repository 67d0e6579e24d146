// webhook_events: the body shape (GHL's member order, the resource's own
// `type`/`locationId` left out, numbers unchanged) and which events a
// contact rewrite produces.
#include "tools/ghl-sandbox/webhook_events.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ghl::sandbox {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr char kLocation[] = "ve9EPM428h8vShlRW1KT";
constexpr char kContact[] =
    R"({"id":"c1","locationId":"ve9EPM428h8vShlRW1KT","type":"lead","firstName":"Ann",)"
    R"("dnd":false,"tags":["a"],"score":12345678901234567890,"customFields":[{"id":"f","value":1.5}]})";

TEST(WebhookBodyTest, TypeAndLocationFirstThenTheResourceThenReplayFields) {
  auto body = WebhookBody("ContactCreate", kLocation, kContact, "2026-01-02T03:04:05.678Z", "w-1");
  ASSERT_TRUE(body.ok()) << body.status();
  // The contact's own "type" and "locationId" give way to the event's;
  // numbers keep their full precision.
  EXPECT_EQ(*body,
            R"({"type":"ContactCreate","locationId":"ve9EPM428h8vShlRW1KT","id":"c1",)"
            R"("firstName":"Ann","dnd":false,"tags":["a"],"score":12345678901234567890,)"
            R"("customFields":[{"id":"f","value":1.5}],"timestamp":"2026-01-02T03:04:05.678Z",)"
            R"("webhookId":"w-1"})");
}

TEST(WebhookBodyTest, ANonObjectResourceIsAnError) {
  EXPECT_FALSE(WebhookBody("NoteCreate", kLocation, "[1]", "t", "w").ok());
  EXPECT_FALSE(WebhookBody("NoteCreate", kLocation, "{", "t", "w").ok());
}

TEST(ContactChangeEventsTest, UpdateAddsDndAndTagEventsOnlyWhenThoseChange) {
  const std::string before = R"({"id":"c","dnd":false,"tags":["a"],"firstName":"A"})";
  EXPECT_THAT(ContactChangeEvents(ContactChange::kUpdate, before,
                                  R"({"id":"c","dnd":false,"tags":["a"],"firstName":"B"})"),
              ElementsAre(std::string(kContactUpdate)));
  EXPECT_THAT(ContactChangeEvents(ContactChange::kUpdate, before,
                                  R"({"id":"c","dnd":true,"tags":["a","b"],"firstName":"A"})"),
              ElementsAre(std::string(kContactUpdate), std::string(kContactDndUpdate),
                          std::string(kContactTagUpdate)));
  EXPECT_THAT(
      ContactChangeEvents(
          ContactChange::kUpdate, before,
          R"({"id":"c","dnd":false,"dndSettings":{"SMS":{"status":"active"}},"tags":["a"]})"),
      ElementsAre(std::string(kContactUpdate), std::string(kContactDndUpdate)));
  EXPECT_THAT(ContactChangeEvents(ContactChange::kTags, before,
                                  R"({"id":"c","dnd":false,"tags":[],"firstName":"A"})"),
              ElementsAre(std::string(kContactTagUpdate)));
  EXPECT_THAT(ContactChangeEvents(ContactChange::kTags, before, before), IsEmpty());
}

}  // namespace
}  // namespace ghl::sandbox
