#include "tools/ghl-sandbox/contact_store.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "tools/ghl-sandbox/text_util.h"

namespace ghl::sandbox {
namespace {

ContactRecord Record(const std::string& id, const std::string& date, const std::string& extra = "",
                     const std::string& location = "L1") {
  auto r = ContactRecord::FromJson(absl::StrCat(R"({"id":")", id, R"(","locationId":")", location,
                                                R"(","dateAdded":")", date, "\"", extra, "}"));
  EXPECT_TRUE(r.ok()) << r.status();
  return *std::move(r);
}

std::vector<std::string> Ids(const ListResult& r) {
  std::vector<std::string> ids;
  for (const ContactRecord* c : r.page) ids.push_back(c->id);
  return ids;
}

TEST(ContactRecordTest, DerivesIndexedFields) {
  const ContactRecord r = Record("a", "2021-07-02T05:18:26.704Z",
                                 R"(,"firstName":"Zoë","lastName":"Ärger","email":"Z@X.io",)"
                                 R"("phone":"+1 415 555 0101","companyName":"ACME, Inc")");
  EXPECT_EQ(r.date_added_ms, 1625203106704);
  EXPECT_EQ(r.email_lower, "z@x.io");
  EXPECT_EQ(r.phone, "+14155550101");
  EXPECT_EQ(r.display_name, "Zoë Ärger");
  EXPECT_EQ(r.search_text, "zoë ärger\nacme, inc");
}

TEST(ContactRecordTest, RejectsRecordsWithoutIdOrLocation) {
  EXPECT_FALSE(ContactRecord::FromJson(R"({"locationId":"L"})").ok());
  EXPECT_FALSE(ContactRecord::FromJson(R"({"id":"a"})").ok());
  EXPECT_FALSE(ContactRecord::FromJson(R"({"id":"a","locationId":"L","dateAdded":"yesterday"})").ok());
  EXPECT_FALSE(ContactRecord::FromJson("[1]").ok());
  EXPECT_FALSE(ContactRecord::FromJson("{").ok());
}

class ContactStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Two contacts share a dateAdded so the id breaks the tie.
    ASSERT_TRUE(store_.AddContacts({Record("d", "2020-01-04T00:00:00.000Z"),
                                    Record("b", "2020-01-02T00:00:00.000Z"),
                                    Record("c2", "2020-01-03T00:00:00.000Z"),
                                    Record("c1", "2020-01-03T00:00:00.000Z"),
                                    Record("a", "2020-01-01T00:00:00.000Z"),
                                    Record("z", "2020-01-01T00:00:00.000Z", "", "L2")})
                    .ok());
  }
  ContactStore store_;
};

TEST_F(ContactStoreTest, ListsInDateThenIdOrder) {
  ListQuery q;
  q.location_id = "L1";
  q.limit = 10;
  const ListResult all = store_.List(q);
  EXPECT_EQ(Ids(all), (std::vector<std::string>{"a", "b", "c1", "c2", "d"}));
  EXPECT_EQ(all.total, 5u);
  EXPECT_FALSE(all.has_more);
}

TEST_F(ContactStoreTest, CursorIsStrictlyAfter) {
  ListQuery q;
  q.location_id = "L1";
  q.limit = 2;
  const int64_t jan3 = *ParseIsoMillis("2020-01-03T00:00:00.000Z");
  q.after = ListCursor{jan3, std::string("c1")};
  ListResult r = store_.List(q);
  EXPECT_EQ(Ids(r), (std::vector<std::string>{"c2", "d"}));
  EXPECT_EQ(r.before, 3u);
  EXPECT_FALSE(r.has_more);
  q.after = ListCursor{jan3, std::nullopt};
  EXPECT_EQ(Ids(store_.List(q)), (std::vector<std::string>{"d"}));
  q.after.reset();
  r = store_.List(q);
  EXPECT_EQ(Ids(r), (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(r.has_more);
}

TEST_F(ContactStoreTest, ExactlyFullLastPageHasNoMore) {
  ListQuery q;
  q.location_id = "L1";
  q.limit = 5;
  EXPECT_FALSE(store_.List(q).has_more);
  q.limit = 4;
  EXPECT_TRUE(store_.List(q).has_more);
}

TEST_F(ContactStoreTest, AddReplaceErase) {
  EXPECT_EQ(store_.AddContact(Record("a", "2020-01-01T00:00:00.000Z")).code(),
            absl::StatusCode::kAlreadyExists);
  ASSERT_TRUE(store_.AddContact(Record("e", "2019-01-01T00:00:00.000Z")).ok());
  ListQuery q;
  q.location_id = "L1";
  q.limit = 1;
  EXPECT_EQ(Ids(store_.List(q)), std::vector<std::string>{"e"});
  ASSERT_TRUE(store_.ReplaceContact(Record("e", "2030-01-01T00:00:00.000Z")).ok());
  EXPECT_EQ(Ids(store_.List(q)), std::vector<std::string>{"a"});
  EXPECT_EQ(store_.ReplaceContact(Record("nope", "2030-01-01T00:00:00.000Z")).code(),
            absl::StatusCode::kNotFound);
  EXPECT_TRUE(store_.EraseContact("e"));
  EXPECT_FALSE(store_.EraseContact("e"));
  EXPECT_EQ(store_.Find("e"), nullptr);
  EXPECT_EQ(store_.CountInLocation("L1"), 5u);
  EXPECT_EQ(store_.CountInLocation("L2"), 1u);
  EXPECT_EQ(store_.size(), 6u);
}

TEST(ContactStoreIndexTest, SharedEmailSurvivesEraseOfTheKeyOwner) {
  ContactStore store;
  ASSERT_TRUE(store.AddContact(Record("a", "2020-01-01T00:00:00.000Z", R"(,"email":"same@x.io")")).ok());
  ASSERT_TRUE(store.AddContact(Record("b", "2020-01-02T00:00:00.000Z", R"(,"email":"SAME@x.io")")).ok());
  EXPECT_EQ(store.FindByEmail("L1", "same@x.io", "")->id, "a");
  EXPECT_EQ(store.FindByEmail("L1", "same@x.io", "a")->id, "b");
  ASSERT_TRUE(store.EraseContact("a"));
  // The index key viewed a's string; it must now view b's.
  const ContactRecord* found = store.FindByEmail("L1", std::string("same@x.io"), "");
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(found->id, "b");
  EXPECT_EQ(store.FindByEmail("L1", "same@x.io", "b"), nullptr);
  EXPECT_EQ(store.FindByEmail("L2", "same@x.io", ""), nullptr);
  ASSERT_TRUE(store.ReplaceContact(Record("b", "2020-01-02T00:00:00.000Z", R"(,"phone":"+4930123456")")).ok());
  EXPECT_EQ(store.FindByEmail("L1", "same@x.io", ""), nullptr);
  EXPECT_EQ(store.FindByPhone("L1", "+4930123456", "")->id, "b");
}

TEST(ContactStoreQueryTest, QueryCountsMatchesBeforeTheCursor) {
  ContactStore store;
  std::vector<ContactRecord> records;
  for (int i = 0; i < 10; ++i) {
    records.push_back(Record(absl::StrCat("id", i), absl::StrFormat("2020-01-%02dT00:00:00.000Z", i + 1),
                             i % 2 == 0 ? R"(,"name":"Even Person")" : R"(,"name":"Odd")"));
  }
  ASSERT_TRUE(store.AddContacts(std::move(records)).ok());
  ListQuery q;
  q.location_id = "L1";
  q.limit = 2;
  q.query_lower = "even";
  q.after = ListCursor{*ParseIsoMillis("2020-01-04T00:00:00.000Z"), std::string("id3")};
  const ListResult r = store.List(q);
  EXPECT_EQ(r.total, 5u);
  EXPECT_EQ(r.before, 2u);
  EXPECT_EQ(Ids(r), (std::vector<std::string>{"id4", "id6"}));
  EXPECT_TRUE(r.has_more);
}

TEST(ContactStoreRelatedTest, RelatedRecordsFollowTheirContact) {
  ContactStore store;
  ASSERT_TRUE(store.AddContact(Record("a", "2020-01-01T00:00:00.000Z")).ok());
  store.AddRelated(RelatedKind::kTask, "a", R"({"id":"t1","contactId":"a"})");
  store.AddRelated(RelatedKind::kTask, "a", R"({"id":"t2","contactId":"a"})");
  store.AddRelated(RelatedKind::kNote, "a", R"({"id":"n1","contactId":"a"})");
  EXPECT_EQ(store.Related(RelatedKind::kTask, "a").size(), 2u);
  EXPECT_EQ(store.RelatedCount(RelatedKind::kTask), 2u);
  EXPECT_TRUE(store.Related(RelatedKind::kAppointment, "a").empty());
  store.EraseContact("a");
  EXPECT_TRUE(store.Related(RelatedKind::kTask, "a").empty());
  EXPECT_EQ(store.RelatedCount(RelatedKind::kTask), 0u);
  EXPECT_EQ(store.RelatedCount(RelatedKind::kNote), 0u);
}

TEST(ContactStoreRelatedTest, PutFindEraseById) {
  ContactStore store;
  ASSERT_TRUE(store.AddContact(Record("a", "2020-01-01T00:00:00.000Z")).ok());
  store.AddRelated(RelatedKind::kTask, "a", R"({"id":"t1"})");
  store.PutRelated(RelatedKind::kTask, "a", RelatedRecord{"t2", R"({"id":"t2"})"});
  store.PutRelated(RelatedKind::kTask, "a", RelatedRecord{"t1", R"({"id":"t1","x":1})"});
  EXPECT_EQ(store.Related(RelatedKind::kTask, "a"),
            (std::vector<std::string>{R"({"id":"t1","x":1})", R"({"id":"t2"})"}));
  EXPECT_EQ(store.FindRelated(RelatedKind::kTask, "a", "t2")->json, R"({"id":"t2"})");
  EXPECT_FALSE(store.FindRelated(RelatedKind::kTask, "a", "t3").has_value());
  EXPECT_FALSE(store.FindRelated(RelatedKind::kNote, "a", "t1").has_value());
  EXPECT_TRUE(store.EraseRelated(RelatedKind::kTask, "a", "t1"));
  EXPECT_FALSE(store.EraseRelated(RelatedKind::kTask, "a", "t1"));
  EXPECT_EQ(store.RelatedCount(RelatedKind::kTask), 1u);
}

TEST(ContactStoreRelatedTest, GeneratorProducesUntilWritten) {
  ContactStore store;
  int calls = 0;
  store.SetRelatedGenerator("L1", [&](RelatedKind kind, const ContactRecord& c) {
    ++calls;
    std::vector<RelatedRecord> out;
    if (kind == RelatedKind::kTask)
      out.push_back({c.id + "-t", absl::StrCat(R"({"id":")", c.id, R"(-t"})")});
    return out;
  });
  ASSERT_TRUE(store.AddContact(Record("a", "2020-01-01T00:00:00.000Z")).ok());
  ASSERT_TRUE(store.AddContact(Record("b", "2020-01-01T00:00:00.000Z", "", "L2")).ok());
  EXPECT_EQ(store.Related(RelatedKind::kTask, "a"), (std::vector<std::string>{R"({"id":"a-t"})"}));
  EXPECT_TRUE(store.Related(RelatedKind::kTask, "b").empty());  // other location: no generator
  EXPECT_EQ(store.RelatedCount(RelatedKind::kTask), 0u);        // nothing stored yet
  store.PutRelated(RelatedKind::kTask, "a", RelatedRecord{"n", R"({"id":"n"})"});
  const int before = calls;
  EXPECT_EQ(store.Related(RelatedKind::kTask, "a").size(), 2u);
  EXPECT_EQ(calls, before);  // materialised: the generator is not asked again
  EXPECT_EQ(store.RelatedCount(RelatedKind::kTask), 2u);
  store.StartEmptyRelated("c");
  ASSERT_TRUE(store.AddContact(Record("c", "2020-01-01T00:00:00.000Z")).ok());
  EXPECT_TRUE(store.Related(RelatedKind::kTask, "c").empty());
}

TEST(ContactStoreMembershipTest, AddRemoveClearAndEraseWithContact) {
  ContactStore store;
  ASSERT_TRUE(store.AddContact(Record("a", "2020-01-01T00:00:00.000Z")).ok());
  EXPECT_TRUE(store.AddMembership(MembershipKind::kCampaign, "a", "c1"));
  EXPECT_FALSE(store.AddMembership(MembershipKind::kCampaign, "a", "c1"));
  EXPECT_TRUE(store.AddMembership(MembershipKind::kCampaign, "a", "c2"));
  EXPECT_TRUE(store.AddMembership(MembershipKind::kWorkflow, "a", "w1"));
  EXPECT_EQ(store.Memberships(MembershipKind::kCampaign, "a"),
            (std::vector<std::string>{"c1", "c2"}));
  EXPECT_TRUE(store.RemoveMembership(MembershipKind::kCampaign, "a", "c1"));
  EXPECT_FALSE(store.RemoveMembership(MembershipKind::kCampaign, "a", "c1"));
  EXPECT_EQ(store.ClearMemberships(MembershipKind::kCampaign, "a"), 1u);
  EXPECT_TRUE(store.Memberships(MembershipKind::kCampaign, "a").empty());
  store.EraseContact("a");
  EXPECT_TRUE(store.Memberships(MembershipKind::kWorkflow, "a").empty());
}

TEST(ContactStoreVersionTest, ChangesOnEveryContactWrite) {
  ContactStore store;
  const uint64_t v0 = store.version();
  ASSERT_TRUE(store.AddContact(Record("a", "2020-01-01T00:00:00.000Z")).ok());
  const uint64_t v1 = store.version();
  EXPECT_NE(v0, v1);
  ASSERT_TRUE(store.ReplaceContact(Record("a", "2021-01-01T00:00:00.000Z")).ok());
  const uint64_t v2 = store.version();
  EXPECT_NE(v1, v2);
  store.EraseContact("a");
  EXPECT_NE(v2, store.version());
  EXPECT_EQ(Record("b", "2020-01-01T00:00:00.000Z", R"(,"businessId":"B1")").business_id, "B1");
}

}  // namespace
}  // namespace ghl::sandbox
