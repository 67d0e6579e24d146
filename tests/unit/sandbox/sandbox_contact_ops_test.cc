// Tags, followers, campaigns, workflows and the two bulk operations of
// ghl-sandbox, handler level, over generated data.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/sandbox/sandbox_test_util.h"

namespace ghl::sandbox {
namespace {

using ::ghl::sandbox::testing::kDemoLocation;
using ::ghl::sandbox::testing::kOtherLocation;
using ::ghl::sandbox::testing::kOtherRw;
using ::ghl::sandbox::testing::kReadOnly;
using ::ghl::sandbox::testing::Messages;
using ::ghl::sandbox::testing::ParseJson;
using ::ghl::sandbox::testing::ServiceHarness;
using ::ghl::sandbox::testing::Strings;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

class ContactOpsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto page =
        h_.Call("GET", absl::StrCat("/contacts/?locationId=", kDemoLocation, "&limit=5"));
    ASSERT_EQ(page.status, 200);
    for (const auto& c : page.json["contacts"].GetArray()) ids_.emplace_back(c["id"].GetString());
    const auto other = h_.Call(
        "POST", "/contacts/",
        absl::StrCat(R"({"locationId":")", kOtherLocation, R"(","firstName":"O"})"), kOtherRw);
    ASSERT_EQ(other.status, 201);
    other_ = other.json["contact"]["id"].GetString();
  }

  std::vector<std::string> TagsOf(const std::string& id) {
    return Strings(h_.Call("GET", "/contacts/" + id).json["contact"]["tags"]);
  }
  std::vector<std::string> FollowersOf(const std::string& id) {
    return Strings(h_.Call("GET", "/contacts/" + id).json["contact"]["followers"]);
  }

  ServiceHarness h_{ServiceHarness::Generated(30)};
  std::vector<std::string> ids_;
  std::string other_;  // a contact of another location
};

TEST_F(ContactOpsTest, AddAndRemoveTagsKeepExactTextIncludingCommas) {
  const std::string path = absl::StrCat("/contacts/", ids_[0], "/tags");
  std::vector<std::string> expected = TagsOf(ids_[0]);
  h_.Advance(absl::Seconds(5));
  const auto added = h_.Call("POST", path, R"({"tags":["follow-up, urgent","VIP","VIP"]})");
  ASSERT_EQ(added.status, 201) << added.body;
  for (const char* t : {"follow-up, urgent", "VIP"}) {
    if (std::find(expected.begin(), expected.end(), t) == expected.end()) expected.emplace_back(t);
  }
  EXPECT_EQ(Strings(added.json["tags"]), expected);
  EXPECT_EQ(TagsOf(ids_[0]), expected);
  EXPECT_STREQ(h_.Call("GET", "/contacts/" + ids_[0]).json["contact"]["dateUpdated"].GetString(),
               "2021-07-02T05:18:31.704Z");

  const auto removed = h_.Call("DELETE", path, R"({"tags":["follow-up, urgent","not there"]})");
  ASSERT_EQ(removed.status, 200) << removed.body;
  expected.erase(std::find(expected.begin(), expected.end(), "follow-up, urgent"));
  EXPECT_EQ(Strings(removed.json["tags"]), expected);
  EXPECT_EQ(TagsOf(ids_[0]), expected);
}

TEST_F(ContactOpsTest, TagErrors) {
  const std::string path = absl::StrCat("/contacts/", ids_[0], "/tags");
  EXPECT_THAT(Messages(h_.Call("POST", path, "{}").json), ElementsAre("tags should not be empty"));
  EXPECT_THAT(Messages(h_.Call("POST", path, R"({"tags":"a,b"})").json),
              ElementsAre("tags must be an array"));
  EXPECT_THAT(Messages(h_.Call("DELETE", path, R"({"tags":[1]})").json),
              ElementsAre("each value in tags must be a string"));
  EXPECT_EQ(
      h_.Call("POST", absl::StrCat("/contacts/", other_, "/tags"), R"({"tags":["a"]})").status,
      403);
  EXPECT_EQ(h_.Call("POST", "/contacts/NoSuchContact0000000/tags", R"({"tags":["a"]})").status,
            404);
  EXPECT_EQ(h_.Call("POST", path, R"({"tags":["a"]})", kReadOnly).status, 401);
}

TEST_F(ContactOpsTest, BulkTagUpdateByType) {
  const auto add = h_.Call(
      "POST", "/contacts/bulk/tags/update/add",
      absl::StrCat(R"({"contacts":[")", ids_[0], R"(","abcdef",")", ids_[1], R"(",")", other_,
                   R"(","NoSuchContact0000000"],)", R"("tags":["tag-1","tag, two"],"locationId":")",
                   kDemoLocation, R"("})"));
  ASSERT_EQ(add.status, 201) << add.body;
  EXPECT_TRUE(add.json["succeded"].GetBool());
  EXPECT_EQ(add.json["errorCount"].GetInt(), 3);
  const std::vector<std::string> responses = Strings(add.json["responses"]);
  ASSERT_EQ(responses.size(), 5u);
  const rapidjson::Document first = ParseJson(responses[0]);
  EXPECT_STREQ(first["type"].GetString(), "success");
  EXPECT_STREQ(first["message"].GetString(), "Tags updated");
  EXPECT_THAT(Strings(first["tagsAdded"]), ElementsAre("tag-1", "tag, two"));
  EXPECT_STREQ(ParseJson(responses[1])["message"].GetString(),
               "contact id is not a valid firebase id");
  EXPECT_STREQ(ParseJson(responses[3])["message"].GetString(),
               "contact does not belong to location");
  EXPECT_STREQ(ParseJson(responses[4])["message"].GetString(), "contact is deleted");
  EXPECT_THAT(TagsOf(ids_[1]), ::testing::IsSupersetOf({"tag-1", "tag, two"}));

  const auto remove = h_.Call("POST", "/contacts/bulk/tags/update/remove",
                              absl::StrCat(R"({"contacts":[")", ids_[1], R"("],"tags":["tag-1"],)",
                                           R"("locationId":")", kDemoLocation, R"("})"));
  ASSERT_EQ(remove.status, 201);
  EXPECT_THAT(Strings(ParseJson(Strings(remove.json["responses"])[0])["tagsRemoved"]),
              ElementsAre("tag-1"));
  const auto remove_all =
      h_.Call("POST", "/contacts/bulk/tags/update/remove",
              absl::StrCat(R"({"contacts":[")", ids_[1], R"("],"tags":[],)",
                           R"("removeAllTags":true,"locationId":")", kDemoLocation, R"("})"));
  ASSERT_EQ(remove_all.status, 201);
  EXPECT_THAT(TagsOf(ids_[1]), IsEmpty());
}

TEST_F(ContactOpsTest, BulkTagUpdateErrors) {
  const std::string body =
      absl::StrCat(R"({"contacts":[")", ids_[0], R"("],"tags":["a"],"locationId":")", kDemoLocation,
                   R"(","removeAllTags":true})");
  EXPECT_THAT(Messages(h_.Call("POST", "/contacts/bulk/tags/update/add", body).json),
              ElementsAre("removeAllTags can only be used with type remove"));
  EXPECT_THAT(Messages(h_.Call("POST", "/contacts/bulk/tags/update/merge", body).json),
              ElementsAre("type must be one of the following values: add, remove"));
  EXPECT_THAT(Messages(h_.Call("POST", "/contacts/bulk/tags/update/add", "{}").json),
              ElementsAre("contacts should not be empty", "tags should not be empty",
                          "locationId should not be empty"));
  EXPECT_EQ(
      h_.Call("POST", "/contacts/bulk/tags/update/add",
              absl::StrCat(R"({"contacts":[],"tags":[],"locationId":")", kOtherLocation, R"("})"))
          .status,
      403);
  // No `security` in the spec, yet a valid token with the write scope is needed.
  EXPECT_EQ(h_.Call("POST", "/contacts/bulk/tags/update/add", body, "").status, 401);
  EXPECT_EQ(h_.Call("POST", "/contacts/bulk/tags/update/add", body, kReadOnly).status, 401);
}

TEST_F(ContactOpsTest, Followers) {
  const std::string path = absl::StrCat("/contacts/", ids_[2], "/followers");
  std::vector<std::string> expected = FollowersOf(ids_[2]);
  const auto added =
      h_.Call("POST", path, R"({"followers":["sx6wyHhbFdRXh302Lunr","Ka6wyHhbFdRXh302LLsA"]})");
  ASSERT_EQ(added.status, 201) << added.body;
  expected.emplace_back("sx6wyHhbFdRXh302Lunr");
  expected.emplace_back("Ka6wyHhbFdRXh302LLsA");
  EXPECT_EQ(Strings(added.json["followers"]), expected);
  EXPECT_THAT(Strings(added.json["followersAdded"]),
              ElementsAre("sx6wyHhbFdRXh302Lunr", "Ka6wyHhbFdRXh302LLsA"));
  const auto again = h_.Call("POST", path, R"({"followers":["sx6wyHhbFdRXh302Lunr"]})");
  EXPECT_THAT(Strings(again.json["followersAdded"]), IsEmpty());
  const auto removed =
      h_.Call("DELETE", path, R"({"followers":["sx6wyHhbFdRXh302Lunr","nobody"]})");
  ASSERT_EQ(removed.status, 200);
  EXPECT_THAT(Strings(removed.json["followersRemoved"]), ElementsAre("sx6wyHhbFdRXh302Lunr"));
  expected.erase(std::find(expected.begin(), expected.end(), "sx6wyHhbFdRXh302Lunr"));
  EXPECT_EQ(FollowersOf(ids_[2]), expected);
  EXPECT_THAT(Messages(h_.Call("POST", path, R"({"followers":null})").json),
              ElementsAre("followers should not be empty"));
  EXPECT_EQ(
      h_.Call("DELETE", absl::StrCat("/contacts/", other_, "/followers"), R"({"followers":[]})")
          .status,
      403);
}

TEST_F(ContactOpsTest, CampaignMembership) {
  const std::string base = absl::StrCat("/contacts/", ids_[0], "/campaigns/");
  const auto added = h_.Call("POST", base + "Y2I9XM7aO1hncuSOlc9L", "{}");
  EXPECT_EQ(added.status, 201);
  EXPECT_EQ(added.body, R"({"succeded":true})");
  EXPECT_EQ(h_.Call("POST", base + "second", "").status, 201);
  EXPECT_THAT(h_.service().Memberships(MembershipKind::kCampaign, ids_[0]),
              ElementsAre("Y2I9XM7aO1hncuSOlc9L", "second"));
  const auto removed = h_.Call("DELETE", base + "Y2I9XM7aO1hncuSOlc9L");
  EXPECT_EQ(removed.status, 200);
  EXPECT_EQ(removed.body, R"({"succeded":true})");
  EXPECT_THAT(h_.service().Memberships(MembershipKind::kCampaign, ids_[0]), ElementsAre("second"));
  // removeAll is its own operation, not a campaign called "removeAll".
  EXPECT_EQ(h_.Call("DELETE", base + "removeAll").status, 200);
  EXPECT_THAT(h_.service().Memberships(MembershipKind::kCampaign, ids_[0]), IsEmpty());
  EXPECT_THAT(Messages(h_.Call("POST", base + "x", R"({"name":"n"})").json),
              ElementsAre("property name should not exist"));
  EXPECT_EQ(h_.Call("POST", absl::StrCat("/contacts/", other_, "/campaigns/x"), "{}").status, 403);
  EXPECT_EQ(h_.Call("DELETE", "/contacts/NoSuchContact0000000/campaigns/removeAll").status, 404);
}

TEST_F(ContactOpsTest, WorkflowMembership) {
  const std::string path = absl::StrCat("/contacts/", ids_[0], "/workflow/sx6wyHhbFdRXh302LLNR");
  const auto added = h_.Call("POST", path, R"({"eventStartTime":"2021-06-23T03:30:00+01:00"})");
  EXPECT_EQ(added.status, 200);
  EXPECT_EQ(added.body, R"({"succeded":true})");
  EXPECT_THAT(h_.service().Memberships(MembershipKind::kWorkflow, ids_[0]),
              ElementsAre("sx6wyHhbFdRXh302LLNR"));
  EXPECT_EQ(h_.Call("DELETE", path, "{}").body, R"({"succeded":true})");
  EXPECT_THAT(h_.service().Memberships(MembershipKind::kWorkflow, ids_[0]), IsEmpty());
  EXPECT_THAT(Messages(h_.Call("POST", path, R"({"eventStartTime":"soon"})").json),
              ElementsAre("eventStartTime must be a valid ISO 8601 date string"));
  EXPECT_EQ(h_.Call("POST", absl::StrCat("/contacts/", other_, "/workflow/w"), "{}").status, 403);
  EXPECT_EQ(h_.Call("POST", path, "{}", kReadOnly).status, 401);
}

TEST_F(ContactOpsTest, MembershipsGoWithTheContact) {
  ASSERT_EQ(h_.Call("POST", absl::StrCat("/contacts/", ids_[3], "/campaigns/c1"), "{}").status,
            201);
  ASSERT_EQ(h_.Call("DELETE", "/contacts/" + ids_[3]).status, 200);
  EXPECT_THAT(h_.service().Memberships(MembershipKind::kCampaign, ids_[3]), IsEmpty());
}

TEST_F(ContactOpsTest, BulkBusinessSetsAndClears) {
  const std::string business = "63b7ec34ea409a9a8bd2a4ff";
  const auto set = h_.Call(
      "POST", "/contacts/bulk/business",
      absl::StrCat(R"({"locationId":")", kDemoLocation, R"(","ids":[")", ids_[0], R"(",")", ids_[1],
                   R"(",")", other_, R"(","unknown"],"businessId":")", business, R"("})"));
  ASSERT_EQ(set.status, 200) << set.body;
  EXPECT_TRUE(set.json["success"].GetBool());
  EXPECT_THAT(Strings(set.json["ids"]), ElementsAre(ids_[0], ids_[1]));
  EXPECT_STREQ(h_.Call("GET", "/contacts/" + ids_[0]).json["contact"]["businessId"].GetString(),
               business.c_str());
  auto listed =
      h_.Call("GET", absl::StrCat("/contacts/business/", business, "?locationId=", kDemoLocation));
  ASSERT_EQ(listed.status, 200);
  EXPECT_EQ(listed.json["count"].GetInt(), 2);

  const auto clear = h_.Call("POST", "/contacts/bulk/business",
                             absl::StrCat(R"({"locationId":")", kDemoLocation, R"(","ids":[")",
                                          ids_[0], R"("],"businessId":null})"));
  ASSERT_EQ(clear.status, 200);
  EXPECT_FALSE(h_.Call("GET", "/contacts/" + ids_[0]).json["contact"].HasMember("businessId"));
  listed =
      h_.Call("GET", absl::StrCat("/contacts/business/", business, "?locationId=", kDemoLocation));
  EXPECT_EQ(listed.json["count"].GetInt(), 1);
  EXPECT_STREQ(listed.json["contacts"][0]["id"].GetString(), ids_[1].c_str());
}

TEST_F(ContactOpsTest, BulkBusinessErrors) {
  EXPECT_THAT(Messages(h_.Call("POST", "/contacts/bulk/business", "{}").json),
              ElementsAre("locationId should not be empty", "ids should not be empty",
                          "businessId should not be empty"));
  EXPECT_THAT(Messages(h_.Call("POST", "/contacts/bulk/business",
                               absl::StrCat(R"({"locationId":")", kDemoLocation, R"(","ids":[")",
                                            std::string(51, 'x'), R"("],"businessId":null})"))
                           .json),
              ElementsAre("each value in ids must be shorter than or equal to 50 characters"));
  EXPECT_EQ(h_.Call("POST", "/contacts/bulk/business",
                    absl::StrCat(R"({"locationId":")", kOtherLocation,
                                 R"(","ids":[],"businessId":null})"))
                .status,
            403);
  EXPECT_EQ(
      h_.Call("POST", "/contacts/bulk/business",
              absl::StrCat(R"({"locationId":")", kDemoLocation, R"(","ids":[],"businessId":null})"),
              "")
          .status,
      401);
}

}  // namespace
}  // namespace ghl::sandbox
