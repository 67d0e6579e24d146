// get-duplicate-contact, upsert-contact and get-contacts-by-businessId of
// ghl-sandbox, handler level.
#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <utility>
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
using ::ghl::sandbox::testing::ServiceHarness;
using ::testing::ElementsAre;

// Two contacts: A (a@x.co, +15550000001) and B (b@x.co, +15550000002).
class IdentityTest : public ::testing::Test {
 protected:
  void SetUp() override { Make(SandboxOptions()); }

  void Make(SandboxOptions options) {
    h_ = std::make_unique<ServiceHarness>(std::move(options));
    a_ = Create(R"("firstName":"A","email":"a@x.co","phone":"+15550000001")");
    b_ = Create(R"("firstName":"B","email":"b@x.co","phone":"+15550000002")");
  }

  std::string Create(const std::string& members) {
    const auto r =
        h_->Call("POST", "/contacts/",
                 absl::StrCat(R"({"locationId":")", kDemoLocation, R"(",)", members, "}"));
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? r.json["contact"]["id"].GetString() : "";
  }

  ServiceHarness::Reply Upsert(const std::string& members) {
    return h_->Call("POST", "/contacts/upsert",
                    absl::StrCat(R"({"locationId":")", kDemoLocation, R"(",)", members, "}"));
  }

  std::unique_ptr<ServiceHarness> h_;
  std::string a_, b_;
};

TEST_F(IdentityTest, DuplicateLookupByEmailOrNumber) {
  const std::string base = absl::StrCat("/contacts/search/duplicate?locationId=", kDemoLocation);
  auto r = h_->Call("GET", base + "&email=A@X.CO", "", kReadOnly);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_STREQ(r.json["contact"]["id"].GetString(), a_.c_str());
  EXPECT_EQ(r.body, absl::StrCat("{\"contact\":", h_->service().ContactJson(a_), "}"));
  r = h_->Call("GET", base + "&number=+1 555 000 0002");
  EXPECT_STREQ(r.json["contact"]["id"].GetString(), b_.c_str());
  // Both given: email has priority by default.
  r = h_->Call("GET", base + "&email=a@x.co&number=+15550000002");
  EXPECT_STREQ(r.json["contact"]["id"].GetString(), a_.c_str());
  EXPECT_EQ(h_->Call("GET", base + "&email=nobody@x.co").body, R"({"contact":null})");
  EXPECT_EQ(h_->Call("GET", base).body, R"({"contact":null})");
}

TEST_F(IdentityTest, DuplicateLookupFollowsTheConfiguredOrder) {
  SandboxOptions options;
  options.duplicate_match_order = {"phone", "email"};
  Make(options);
  const auto r =
      h_->Call("GET", absl::StrCat("/contacts/search/duplicate?locationId=", kDemoLocation,
                                   "&email=a@x.co&number=+15550000002"));
  EXPECT_STREQ(r.json["contact"]["id"].GetString(), b_.c_str());
}

TEST_F(IdentityTest, DuplicateLookupErrors) {
  EXPECT_THAT(Messages(h_->Call("GET", "/contacts/search/duplicate?email=a@x.co").json),
              ElementsAre("locationId should not be empty"));
  EXPECT_EQ(h_->Call("GET", absl::StrCat("/contacts/search/duplicate?locationId=", kOtherLocation))
                .status,
            403);
  EXPECT_EQ(h_->Call("GET", "/contacts/search/duplicate?locationId=x", "", "").status, 401);
}

TEST_F(IdentityTest, UpsertUpdatesTheMatchedContact) {
  h_->Advance(absl::Minutes(1));
  const auto r = Upsert(R"("email":"A@x.co","city":"Rome","gender":"female","tags":["t1"])");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_FALSE(r.json["new"].GetBool());
  EXPECT_STREQ(r.json["contact"]["id"].GetString(), a_.c_str());
  EXPECT_STREQ(r.json["contact"]["city"].GetString(), "Rome");
  EXPECT_STREQ(r.json["contact"]["gender"].GetString(), "female");
  EXPECT_STREQ(r.json["contact"]["email"].GetString(), "A@x.co");
  EXPECT_STREQ(r.json["contact"]["dateUpdated"].GetString(), "2021-07-02T05:19:26.704Z");
  EXPECT_FALSE(r.json["contact"].HasMember("createNewIfDuplicateAllowed"));
  EXPECT_FALSE(r.json["contact"].HasMember("locationId") &&
               std::string(r.json["contact"]["locationId"].GetString()) != kDemoLocation);
  EXPECT_FALSE(std::string(r.json["traceId"].GetString()).empty());
  EXPECT_NE(r.body.find(h_->service().ContactJson(a_)), std::string::npos);
  EXPECT_EQ(h_->service().ContactCount(), 2u);
}

TEST_F(IdentityTest, UpsertWithoutMatchCreates) {
  const auto r = Upsert(R"("email":"c@x.co","phone":"+1 888-888-8888","firstName":"C")");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(r.json["new"].GetBool());
  EXPECT_STREQ(r.json["contact"]["phone"].GetString(), "+18888888888");
  EXPECT_EQ(h_->service().ContactCount(), 3u);
  // The same upsert again is now an update of that contact: idempotent.
  const auto again = Upsert(R"("email":"c@x.co","phone":"+1 888-888-8888","firstName":"C")");
  EXPECT_FALSE(again.json["new"].GetBool());
  EXPECT_STREQ(again.json["contact"]["id"].GetString(), r.json["contact"]["id"].GetString());
  EXPECT_EQ(h_->service().ContactCount(), 3u);
}

TEST_F(IdentityTest, UpsertMatchingTwoContactsUpdatesTheFirstPriorityAndIgnoresTheOtherField) {
  // Email matches A, phone matches B: A is updated, B's phone is not copied.
  const auto r = Upsert(R"("email":"a@x.co","phone":"+15550000002","lastName":"Z")");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_FALSE(r.json["new"].GetBool());
  EXPECT_STREQ(r.json["contact"]["id"].GetString(), a_.c_str());
  EXPECT_STREQ(r.json["contact"]["phone"].GetString(), "+15550000001");
  EXPECT_STREQ(r.json["contact"]["lastName"].GetString(), "Z");
}

TEST_F(IdentityTest, UpsertPhoneFirstOrder) {
  SandboxOptions options;
  options.duplicate_match_order = {"phone", "email"};
  Make(options);
  const auto r = Upsert(R"("email":"a@x.co","phone":"+15550000002","lastName":"Z")");
  EXPECT_STREQ(r.json["contact"]["id"].GetString(), b_.c_str());
  EXPECT_STREQ(r.json["contact"]["email"].GetString(), "b@x.co");
}

TEST_F(IdentityTest, UpsertFallsBackToTheSecondField) {
  const auto r = Upsert(R"("email":"new@x.co","phone":"+15550000002")");
  EXPECT_FALSE(r.json["new"].GetBool());
  EXPECT_STREQ(r.json["contact"]["id"].GetString(), b_.c_str());
  EXPECT_STREQ(r.json["contact"]["email"].GetString(), "new@x.co");
}

TEST_F(IdentityTest, CreateNewIfDuplicateAllowed) {
  // Ignored while the location refuses duplicates.
  auto r = Upsert(R"("email":"a@x.co","createNewIfDuplicateAllowed":true)");
  EXPECT_FALSE(r.json["new"].GetBool());
  SandboxOptions options;
  options.allow_duplicate_contact = true;
  Make(options);
  r = Upsert(R"("email":"a@x.co","createNewIfDuplicateAllowed":true)");
  EXPECT_TRUE(r.json["new"].GetBool());
  EXPECT_EQ(h_->service().ContactCount(), 3u);
  r = Upsert(R"("email":"a@x.co","createNewIfDuplicateAllowed":false)");
  EXPECT_FALSE(r.json["new"].GetBool());
  // Create accepts duplicates too.
  EXPECT_EQ(h_->Call("POST", "/contacts/",
                     absl::StrCat(R"({"locationId":")", kDemoLocation, R"(","email":"a@x.co"})"))
                .status,
            201);
}

TEST_F(IdentityTest, CreateRefusesDuplicatesInTheConfiguredOrder) {
  auto r = h_->Call("POST", "/contacts/",
                    absl::StrCat(R"({"locationId":")", kDemoLocation,
                                 R"(","email":"a@x.co","phone":"+15550000002"})"));
  EXPECT_EQ(r.status, 400);
  EXPECT_STREQ(r.json["meta"]["matchingField"].GetString(), "email");
  SandboxOptions options;
  options.duplicate_match_order = {"phone", "email"};
  Make(options);
  r = h_->Call("POST", "/contacts/",
               absl::StrCat(R"({"locationId":")", kDemoLocation,
                            R"(","email":"a@x.co","phone":"+15550000002"})"));
  EXPECT_STREQ(r.json["meta"]["matchingField"].GetString(), "phone");
  EXPECT_STREQ(r.json["meta"]["contactId"].GetString(), b_.c_str());
}

TEST_F(IdentityTest, UpsertErrors) {
  EXPECT_THAT(Messages(h_->Call("POST", "/contacts/upsert", R"({"email":"a@x.co"})").json),
              ElementsAre("locationId should not be empty"));
  EXPECT_THAT(
      Messages(Upsert(R"("createNewIfDuplicateAllowed":"yes","email":"nope","id":"x")").json),
      ElementsAre("property id should not exist", "email must be an email",
                  "createNewIfDuplicateAllowed must be a boolean value"));
  EXPECT_EQ(h_->Call("POST", "/contacts/upsert",
                     absl::StrCat(R"({"locationId":")", kOtherLocation, R"("})"))
                .status,
            403);
  EXPECT_EQ(h_->Call("POST", "/contacts/upsert",
                     absl::StrCat(R"({"locationId":")", kDemoLocation, R"("})"), kReadOnly)
                .status,
            401);
  EXPECT_EQ(h_->Call("POST", "/contacts/upsert", "{").status, 400);
}

TEST(ContactsByBusinessTest, PagesBySkipAndLimitStrings) {
  ServiceHarness h(ServiceHarness::Generated(400));
  // Every generated contact with a businessId, in the store's list order.
  std::map<std::string, std::vector<std::string>> by_business;
  std::string cursor;
  for (int page = 0; page < 4; ++page) {
    const auto r =
        h.Call("GET", absl::StrCat("/contacts/?locationId=", kDemoLocation, "&limit=100", cursor));
    for (const auto& c : r.json["contacts"].GetArray()) {
      if (c.HasMember("businessId"))
        by_business[c["businessId"].GetString()].push_back(c["id"].GetString());
    }
    if (r.json["meta"]["startAfterId"].IsNull()) break;
    cursor = absl::StrCat("&startAfter=", r.json["meta"]["startAfter"].GetInt64(),
                          "&startAfterId=", r.json["meta"]["startAfterId"].GetString());
  }
  ASSERT_FALSE(by_business.empty());
  auto biggest = by_business.begin();
  for (auto it = by_business.begin(); it != by_business.end(); ++it) {
    if (it->second.size() > biggest->second.size()) biggest = it;
  }
  const std::vector<std::string>& expected = biggest->second;
  ASSERT_GE(expected.size(), 3u);
  const std::string base =
      absl::StrCat("/contacts/business/", biggest->first, "?locationId=", kDemoLocation);
  std::vector<std::string> got;
  for (size_t skip = 0; skip < expected.size(); skip += 2) {
    const auto r = h.Call("GET", absl::StrCat(base, "&limit=2&skip=", skip), "", kReadOnly);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json["count"].GetUint64(), expected.size());
    for (const auto& c : r.json["contacts"].GetArray()) got.emplace_back(c["id"].GetString());
  }
  EXPECT_EQ(got, expected);
  // Default limit 25 and query narrowing.
  const auto all = h.Call("GET", base);
  EXPECT_EQ(all.json["contacts"].Size(), std::min<size_t>(25, expected.size()));
  const auto none = h.Call("GET", base + "&query=zzzzzzzz");
  EXPECT_EQ(none.body, R"({"contacts":[],"count":0})");
}

TEST(ContactsByBusinessTest, Errors) {
  ServiceHarness h(ServiceHarness::Generated(10));
  EXPECT_THAT(Messages(h.Call("GET", "/contacts/business/b?limit=abc&skip=-1").json),
              ElementsAre("locationId should not be empty", "limit must be a number string",
                          "skip must not be less than 0"));
  EXPECT_THAT(Messages(h.Call("GET", absl::StrCat("/contacts/business/b?locationId=", kDemoLocation,
                                                  "&limit=101"))
                           .json),
              ElementsAre("limit must not be greater than 100"));
  EXPECT_EQ(h.Call("GET", absl::StrCat("/contacts/business/b?locationId=", kOtherLocation)).status,
            403);
  EXPECT_EQ(
      h.Call("GET", absl::StrCat("/contacts/business/b?locationId=", kOtherLocation), "", kOtherRw)
          .body,
      R"({"contacts":[],"count":0})");
}

}  // namespace
}  // namespace ghl::sandbox
