// Search, upsert, duplicate lookup, business contacts, followers, campaigns,
// workflows and the bulk business update end to end: the gateway in-process
// against ghl-sandbox.
//
// - BigSearchTest: a generated 12,000-contact location streamed completely
//   through GHL's 10,000-result page cap (page numbers, then searchAfter),
//   each id once, resumable past the cap; filters and sort give exactly the
//   set and order of a plain filter over the data (read with ListContacts).
// - DemoActionsTest: every operation against the demo location, checked
//   against the dataset and the sandbox's state.
// - PrismProxyActionsTest: every operation through `prism proxy --errors`
//   (generated data, see conformance_test.cc for why), with no problem in
//   Prism's log.
// - PrismMockActionsTest: every operation against `prism mock`, i.e. on
//   answers only the spec generated (an empty 200 for search).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "server/request_validation.h"
#include "tests/integration/stack.h"

namespace ghl::testing {
namespace {

namespace v1 = ::ghl::contacts::v1;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::StartsWith;
using ::testing::UnorderedElementsAreArray;

// ---------------------------------------------------------------------------
// Helpers

struct SearchStream {
  grpc::Status status;
  std::vector<v1::SearchContactsResponse> pages;
  std::vector<std::string> ids;
};

SearchStream SearchAll(v1::ContactsService::Stub& stub, const v1::SearchContactsRequest& request,
                       int max_pages = -1) {
  SearchStream out;
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(120));
  auto reader = stub.SearchContacts(&ctx, request);
  v1::SearchContactsResponse page;
  while ((max_pages < 0 || static_cast<int>(out.pages.size()) < max_pages) && reader->Read(&page)) {
    for (const auto& c : page.contacts()) out.ids.push_back(c.id());
    out.pages.push_back(page);
  }
  if (max_pages >= 0 && static_cast<int>(out.pages.size()) >= max_pages) ctx.TryCancel();
  out.status = reader->Finish();
  return out;
}

// The position a search resume token carries (tokens are opaque to callers;
// the test reads one to see which paging mode the gateway used).
v1::SearchContactsCursor Cursor(const std::string& token) {
  v1::SearchContactsCursor cursor;
  EXPECT_TRUE(ghl::server::DecodeCursorToken(token, 4096, &cursor));
  return cursor;
}

// Every contact of the stack's location, read with ListContacts.
std::vector<v1::Contact> ListEverything(Stack& stack) {
  v1::ListContactsRequest request;
  request.set_location_id(kDemoLocation);
  Listing listing = ListAll(stack.stub(), request);
  EXPECT_TRUE(listing.status.ok()) << listing.status.error_message();
  std::vector<v1::Contact> all;
  for (const auto& page : listing.pages)
    all.insert(all.end(), page.contacts().begin(), page.contacts().end());
  return all;
}

int64_t Millis(const google::protobuf::Timestamp& ts) {
  return ts.seconds() * 1000 + ts.nanos() / 1000000;
}

bool HasTag(const v1::Contact& c, absl::string_view tag) {
  for (const std::string& t : c.tags()) {
    if (absl::AsciiStrToLower(t) == tag) return true;
  }
  return false;
}

std::string CustomText(const v1::Contact& c, absl::string_view id) {
  for (const auto& f : c.custom_fields()) {
    if (f.id() == id && f.has_string_value()) return f.string_value();
  }
  return "";
}

v1::SearchFilter* AddFilter(google::protobuf::RepeatedPtrField<v1::SearchClause>* clauses,
                            const std::string& field, v1::SearchOperator op) {
  v1::SearchFilter* filter = clauses->Add()->mutable_filter();
  filter->set_field(field);
  filter->set_operator_(op);
  return filter;
}

template <typename Request, typename Response>
grpc::Status Unary(grpc::Status (v1::ContactsService::Stub::*method)(grpc::ClientContext*,
                                                                     const Request&, Response*),
                   v1::ContactsService::Stub& stub, const Request& request, Response* response) {
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  return (stub.*method)(&ctx, request, response);
}

// ---------------------------------------------------------------------------
// 12,000 contacts through the cap

class BigSearchTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    StackOptions o;
    o.demo_data = false;
    o.generated_contacts = 12000;
    o.rate_limit_max = 1000000;
    stack_ = new Stack(o);
    if (stack_->error().empty()) all_ = new std::vector<v1::Contact>(ListEverything(*stack_));
  }
  static void TearDownTestSuite() {
    delete stack_;
    delete all_;
    stack_ = nullptr;
    all_ = nullptr;
  }
  void SetUp() override {
    ASSERT_EQ(stack_->error(), "");
    ASSERT_EQ(all_->size(), 12000u);
  }

  // The ids of the contacts `keep` accepts, ordered by `key` (then id, the
  // sandbox's tiebreak, as GHL's searchAfter needs a total order).
  static std::vector<std::string> Expected(const std::function<bool(const v1::Contact&)>& keep,
                                           const std::function<int64_t(const v1::Contact&)>& key,
                                           bool descending) {
    std::vector<const v1::Contact*> hits;
    for (const auto& c : *all_) {
      if (keep(c)) hits.push_back(&c);
    }
    std::sort(hits.begin(), hits.end(), [&](const v1::Contact* a, const v1::Contact* b) {
      const int64_t ka = key(*a), kb = key(*b);
      if (ka != kb) return descending ? ka > kb : ka < kb;
      return a->id() < b->id();
    });
    std::vector<std::string> ids;
    for (const auto* c : hits) ids.push_back(c->id());
    return ids;
  }

  static Stack* stack_;
  static std::vector<v1::Contact>* all_;
};
Stack* BigSearchTest::stack_ = nullptr;
std::vector<v1::Contact>* BigSearchTest::all_ = nullptr;

TEST_F(BigSearchTest, StreamsEveryContactThroughTheCapEachOnce) {
  v1::SearchContactsRequest request;
  request.set_location_id(kDemoLocation);
  request.set_page_size(500);
  const auto refused_before = stack_->sandbox().Stats().by_status[422];
  SearchStream stream = SearchAll(stack_->stub(), request);
  ASSERT_TRUE(stream.status.ok()) << stream.status.error_message();
  ASSERT_EQ(stream.pages.size(), 24u);
  const std::set<std::string> unique(stream.ids.begin(), stream.ids.end());
  EXPECT_EQ(stream.ids.size(), 12000u);
  EXPECT_EQ(unique.size(), 12000u);
  std::set<std::string> listed;
  for (const auto& c : *all_) listed.insert(c.id());
  EXPECT_EQ(unique, listed);
  for (size_t i = 0; i < stream.pages.size(); ++i) {
    EXPECT_EQ(stream.pages[i].page_number(), static_cast<int>(i + 1));
    EXPECT_EQ(stream.pages[i].total_size(), 12000);
    EXPECT_EQ(stream.pages[i].last_page(), i + 1 == stream.pages.size());
  }
  // Pages 1-20 by number (20 * 500 = 10,000), then searchAfter.
  EXPECT_EQ(Cursor(stream.pages[18].resume_token()).next_page(), 20);
  EXPECT_EQ(Cursor(stream.pages[19].resume_token()).next_page(), 0);
  EXPECT_THAT(Cursor(stream.pages[19].resume_token()).search_after(), HasSubstr(stream.ids[9999]));
  EXPECT_EQ(stack_->sandbox().Stats().by_status[422],
            refused_before);  // never past the cap by number
}

TEST_F(BigSearchTest, ResumesPastTheCapWithNoLossOrRepeat) {
  v1::SearchContactsRequest request;
  request.set_location_id(kDemoLocation);
  request.set_page_size(450);  // 22 * 450 = 9,900: page 23 straddles the cap
  SearchStream first = SearchAll(stack_->stub(), request, 24);
  ASSERT_EQ(first.pages.size(), 24u);
  request.set_resume_token(first.pages.back().resume_token());
  SearchStream rest = SearchAll(stack_->stub(), request);
  ASSERT_TRUE(rest.status.ok()) << rest.status.error_message();
  EXPECT_EQ(rest.pages.front().page_number(), 25);
  EXPECT_TRUE(rest.pages.back().last_page());
  std::set<std::string> all(first.ids.begin(), first.ids.end());
  for (const auto& id : rest.ids) EXPECT_TRUE(all.insert(id).second) << "repeated " << id;
  EXPECT_EQ(all.size(), 12000u);
  EXPECT_EQ(first.ids.size() + rest.ids.size(), 12000u);
  // The resume token of another search is refused before any upstream call.
  request.set_page_size(500);
  const auto before = stack_->sandbox().Stats().requests;
  SearchStream wrong = SearchAll(stack_->stub(), request);
  EXPECT_EQ(wrong.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(wrong.status.error_message(), StartsWith("resume_token:"));
  EXPECT_EQ(stack_->sandbox().Stats().requests, before);
}

TEST_F(BigSearchTest, FiltersAndSortMatchAPlainFilterOverTheData) {
  const std::string business = [] {
    for (const auto& c : *all_) {
      if (c.has_business_id()) return c.business_id();
    }
    return std::string();
  }();
  ASSERT_FALSE(business.empty());
  // A window over the middle of the location's dates.
  std::vector<int64_t> dates;
  for (const auto& c : *all_) dates.push_back(Millis(c.date_added()));
  std::sort(dates.begin(), dates.end());
  const int64_t from = dates[dates.size() * 3 / 10];
  const int64_t to = dates[dates.size() * 6 / 10];
  auto added = [](const v1::Contact& c) { return Millis(c.date_added()); };
  auto updated = [](const v1::Contact& c) { return Millis(c.date_updated()); };

  struct Case {
    std::string name;
    std::function<void(v1::SearchContactsRequest*)> build;
    std::function<bool(const v1::Contact&)> keep;
    std::function<int64_t(const v1::Contact&)> key;
    bool descending;
    size_t min_matches;  // so each case means something
  };
  const Case cases[] = {
      {"dnd AND (tag OR country), dateAdded asc",
       [](v1::SearchContactsRequest* r) {
         AddFilter(r->mutable_filters(), "dnd", v1::SEARCH_OPERATOR_EQ)->set_bool_value(true);
         auto* group = r->add_filters()->mutable_group();
         group->set_logic(v1::SEARCH_GROUP_LOGIC_OR);
         AddFilter(group->mutable_filters(), "tags", v1::SEARCH_OPERATOR_EQ)
             ->set_string_value("cold");
         AddFilter(group->mutable_filters(), "country", v1::SEARCH_OPERATOR_EQ)
             ->set_string_value("DE");
         auto* sort = r->add_sort();
         sort->set_field("dateAdded");
         sort->set_direction(v1::SORT_DIRECTION_ASC);
       },
       [](const v1::Contact& c) { return c.dnd() && (HasTag(c, "cold") || c.country() == "DE"); },
       added, false, 100},
      {"dateAdded range AND phone exists, dateUpdated desc",
       [&](v1::SearchContactsRequest* r) {
         auto* range = AddFilter(r->mutable_filters(), "dateAdded", v1::SEARCH_OPERATOR_RANGE)
                           ->mutable_range_value();
         range->mutable_gte()->mutable_timestamp_value()->set_seconds(from / 1000);
         range->mutable_gte()->mutable_timestamp_value()->set_nanos(static_cast<int>(from % 1000) *
                                                                    1000000);
         range->mutable_lt()->mutable_timestamp_value()->set_seconds(to / 1000);
         range->mutable_lt()->mutable_timestamp_value()->set_nanos(static_cast<int>(to % 1000) *
                                                                   1000000);
         AddFilter(r->mutable_filters(), "phone", v1::SEARCH_OPERATOR_EXISTS);
         auto* sort = r->add_sort();
         sort->set_field("dateUpdated");
         sort->set_direction(v1::SORT_DIRECTION_DESC);
       },
       [&](const v1::Contact& c) {
         return Millis(c.date_added()) >= from && Millis(c.date_added()) < to && !c.phone().empty();
       },
       updated, true, 1000},
      {"business AND industry AND NOT tag, dateAdded desc",
       [&](v1::SearchContactsRequest* r) {
         AddFilter(r->mutable_filters(), "businessId", v1::SEARCH_OPERATOR_EQ)
             ->set_string_value(business);
         AddFilter(r->mutable_filters(), "customFields.6RxMzAw9qfSJNlhsjOee",
                   v1::SEARCH_OPERATOR_NOT_EQ)
             ->set_string_value("SaaS");
         AddFilter(r->mutable_filters(), "email", v1::SEARCH_OPERATOR_NOT_CONTAINS)
             ->set_string_value("example");
         auto* sort = r->add_sort();
         sort->set_field("dateAdded");
         sort->set_direction(v1::SORT_DIRECTION_DESC);
       },
       [&](const v1::Contact& c) {
         return c.business_id() == business && CustomText(c, "6RxMzAw9qfSJNlhsjOee") != "SaaS" &&
                !absl::StrContains(absl::AsciiStrToLower(c.email()), "example");
       },
       added, true, 1},
      {"more than 10,000 matches, sorted, across the cap",
       [](v1::SearchContactsRequest* r) {
         AddFilter(r->mutable_filters(), "country", v1::SEARCH_OPERATOR_NOT_EQ)
             ->set_string_value("ZZ");
         auto* sort = r->add_sort();
         sort->set_field("dateAdded");
         sort->set_direction(v1::SORT_DIRECTION_ASC);
       },
       [](const v1::Contact& c) { return c.country() != "ZZ"; }, added, false, 10001},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    v1::SearchContactsRequest request;
    request.set_location_id(kDemoLocation);
    request.set_page_size(500);
    c.build(&request);
    SearchStream stream = SearchAll(stack_->stub(), request);
    ASSERT_TRUE(stream.status.ok()) << stream.status.error_message();
    const std::vector<std::string> want = Expected(c.keep, c.key, c.descending);
    EXPECT_GE(want.size(), c.min_matches);
    EXPECT_EQ(stream.ids.size(), want.size());
    EXPECT_TRUE(stream.ids == want) << "the search's order differs from a plain filter and sort";
    EXPECT_EQ(stream.pages.front().total_size(), static_cast<int64_t>(want.size()));
  }
}

TEST_F(BigSearchTest, BadSearchesFailBeforeAnyUpstreamCall) {
  const auto before = stack_->sandbox().Stats().requests;
  v1::SearchContactsRequest request;
  SearchStream stream = SearchAll(stack_->stub(), request);
  EXPECT_EQ(stream.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(stream.status.error_message(), StartsWith("location_id:"));
  request.set_location_id(kDemoLocation);
  request.add_filters()->mutable_group()->set_logic(v1::SEARCH_GROUP_LOGIC_OR);
  stream = SearchAll(stack_->stub(), request);
  EXPECT_EQ(stream.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(stream.status.error_message(),
              StartsWith("filters[0].group.filters: must not be empty"));
  request.clear_filters();
  request.set_page_size(501);
  stream = SearchAll(stack_->stub(), request);
  EXPECT_THAT(stream.status.error_message(), StartsWith("page_size:"));
  EXPECT_EQ(stack_->sandbox().Stats().requests, before);
}

// ---------------------------------------------------------------------------
// Every operation against the demo location

class DemoActionsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    StackOptions o;
    o.rate_limit_max = 1000000;
    stack_ = new Stack(o);
    if (stack_->error().empty()) all_ = new std::vector<v1::Contact>(ListEverything(*stack_));
  }
  static void TearDownTestSuite() {
    delete stack_;
    delete all_;
    stack_ = nullptr;
    all_ = nullptr;
  }
  void SetUp() override {
    ASSERT_EQ(stack_->error(), "");
    ASSERT_EQ(all_->size(), 5000u);
  }
  v1::ContactsService::Stub& stub() { return stack_->stub(); }
  ghl::sandbox::SandboxService& service() { return *stack_->sandbox().service(); }

  // A demo contact whose email and phone no other contact shares.
  static const v1::Contact& UniqueContact(size_t skip = 0) {
    std::map<std::string, int> emails, phones;
    for (const auto& c : *all_) {
      ++emails[absl::AsciiStrToLower(c.email())];
      ++phones[c.phone()];
    }
    for (const auto& c : *all_) {
      if (!c.email().empty() && !c.phone().empty() &&
          emails[absl::AsciiStrToLower(c.email())] == 1 && phones[c.phone()] == 1 && skip-- == 0) {
        return c;
      }
    }
    return all_->front();
  }

  static Stack* stack_;
  static std::vector<v1::Contact>* all_;
};
Stack* DemoActionsTest::stack_ = nullptr;
std::vector<v1::Contact>* DemoActionsTest::all_ = nullptr;

TEST_F(DemoActionsTest, FindDuplicateByEmailOrPhone) {
  const v1::Contact& known = UniqueContact();
  v1::FindDuplicateContactRequest request;
  request.set_location_id(kDemoLocation);
  request.set_email(absl::AsciiStrToUpper(known.email()));
  v1::FindDuplicateContactResponse found;
  ASSERT_TRUE(
      Unary(&v1::ContactsService::Stub::FindDuplicateContact, stub(), request, &found).ok());
  EXPECT_EQ(found.contact().id(), known.id());
  request.clear_email();
  request.set_phone(known.phone());  // "+..." is sent as %2B...
  ASSERT_TRUE(
      Unary(&v1::ContactsService::Stub::FindDuplicateContact, stub(), request, &found).ok());
  EXPECT_EQ(found.contact().id(), known.id());
  request.set_phone("+19995550000");
  ASSERT_TRUE(
      Unary(&v1::ContactsService::Stub::FindDuplicateContact, stub(), request, &found).ok());
  EXPECT_FALSE(found.has_contact());
  request.clear_phone();
  auto status = Unary(&v1::ContactsService::Stub::FindDuplicateContact, stub(), request, &found);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(DemoActionsTest, BusinessContactsAreTheDatasetsContactsOfThatBusiness) {
  std::map<std::string, std::vector<std::string>> by_business;
  for (const auto& c : *all_) {
    if (c.has_business_id()) by_business[c.business_id()].push_back(c.id());
  }
  ASSERT_FALSE(by_business.empty());
  const auto biggest = std::max_element(
      by_business.begin(), by_business.end(),
      [](const auto& a, const auto& b) { return a.second.size() < b.second.size(); });
  v1::ListBusinessContactsRequest request;
  request.set_location_id(kDemoLocation);
  request.set_business_id(biggest->first);
  request.set_page_size(7);
  grpc::ClientContext ctx;
  auto reader = stub().ListBusinessContacts(&ctx, request);
  std::vector<std::string> ids;
  v1::ListBusinessContactsResponse page;
  std::vector<v1::ListBusinessContactsResponse> pages;
  while (reader->Read(&page)) {
    for (const auto& c : page.contacts()) ids.push_back(c.id());
    pages.push_back(page);
  }
  ASSERT_TRUE(reader->Finish().ok());
  EXPECT_THAT(ids, UnorderedElementsAreArray(biggest->second));
  ASSERT_FALSE(pages.empty());
  EXPECT_TRUE(pages.back().last_page());
  EXPECT_EQ(pages.front().total_size(), static_cast<int64_t>(biggest->second.size()));
  // Resumed from the first page: the rest, nothing repeated.
  if (pages.size() > 1) {
    request.set_resume_token(pages.front().resume_token());
    grpc::ClientContext ctx2;
    auto rest = stub().ListBusinessContacts(&ctx2, request);
    std::vector<std::string> more(ids.begin(), ids.begin() + pages.front().contacts_size());
    while (rest->Read(&page)) {
      for (const auto& c : page.contacts()) more.push_back(c.id());
    }
    ASSERT_TRUE(rest->Finish().ok());
    EXPECT_THAT(more, ElementsAreArray(ids));
  }
}

TEST_F(DemoActionsTest, UpsertCreatesThenMatches) {
  v1::UpsertContactRequest request;
  request.set_location_id(kDemoLocation);
  request.mutable_contact()->set_first_name("Upsert");
  request.mutable_contact()->set_email("upsert.new.q@example.com");
  request.mutable_contact()->add_tags("a, b");
  auto* field = request.mutable_contact()->add_custom_fields();
  field->set_id("6RxMzAw9qfSJNlhsjOee");
  field->set_string_value("Retail");
  v1::UpsertContactResponse first;
  auto s = Unary(&v1::ContactsService::Stub::UpsertContact, stub(), request, &first);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_TRUE(first.created());
  EXPECT_EQ(first.matched_contact_id(), "");
  EXPECT_THAT(first.contact().tags(), ElementsAreArray({"a, b"}));

  request.mutable_contact()->set_last_name("Again");
  v1::UpsertContactResponse second;
  s = Unary(&v1::ContactsService::Stub::UpsertContact, stub(), request, &second);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_FALSE(second.created());
  EXPECT_EQ(second.matched_contact_id(), first.contact().id());
  EXPECT_EQ(second.contact().last_name(), "Again");

  // An existing demo contact, matched by its email.
  const v1::Contact& known = UniqueContact(1);
  v1::UpsertContactRequest existing;
  existing.set_location_id(kDemoLocation);
  existing.mutable_contact()->set_email(known.email());
  existing.mutable_contact()->set_city("Zürich");
  v1::UpsertContactResponse matched;
  s = Unary(&v1::ContactsService::Stub::UpsertContact, stub(), existing, &matched);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_FALSE(matched.created());
  EXPECT_EQ(matched.matched_contact_id(), known.id());
  EXPECT_EQ(matched.contact().city(), "Zürich");

  // A custom field GHL cannot take is refused before any upstream call.
  const auto before = stack_->sandbox().Stats().requests;
  existing.mutable_contact()->add_custom_fields()->set_string_value("no id");
  s = Unary(&v1::ContactsService::Stub::UpsertContact, stub(), existing, &matched);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(),
              HasSubstr("custom_fields[0]: a custom field needs an id or a key"));
  EXPECT_EQ(stack_->sandbox().Stats().requests, before);
}

TEST_F(DemoActionsTest, FollowersCampaignsWorkflows) {
  const v1::Contact& c = UniqueContact(2);
  std::string user;
  for (const auto& other : *all_) {
    if (other.has_assigned_to()) user = other.assigned_to();
  }
  ASSERT_FALSE(user.empty());
  v1::AddFollowersRequest add;
  add.set_location_id(kDemoLocation);
  add.set_contact_id(c.id());
  add.add_followers(user);
  v1::AddFollowersResponse added;
  auto s = Unary(&v1::ContactsService::Stub::AddFollowers, stub(), add, &added);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_THAT(added.followers(), ::testing::Contains(user));
  v1::RemoveFollowersRequest remove;
  remove.set_location_id(kDemoLocation);
  remove.set_contact_id(c.id());
  remove.add_followers(user);
  v1::RemoveFollowersResponse removed;
  s = Unary(&v1::ContactsService::Stub::RemoveFollowers, stub(), remove, &removed);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_THAT(removed.followers_removed(), ElementsAreArray({user}));
  EXPECT_THAT(removed.followers(), ::testing::Not(::testing::Contains(user)));

  using ghl::sandbox::MembershipKind;
  google::protobuf::Empty empty;
  v1::AddToCampaignRequest campaign;
  campaign.set_location_id(kDemoLocation);
  campaign.set_contact_id(c.id());
  for (const char* id : {"campA", "campB"}) {
    campaign.set_campaign_id(id);
    ASSERT_TRUE(Unary(&v1::ContactsService::Stub::AddToCampaign, stub(), campaign, &empty).ok());
  }
  EXPECT_THAT(service().Memberships(MembershipKind::kCampaign, c.id()),
              UnorderedElementsAreArray({"campA", "campB"}));
  v1::RemoveFromCampaignRequest leave;
  leave.set_location_id(kDemoLocation);
  leave.set_contact_id(c.id());
  leave.set_campaign_id("campA");
  ASSERT_TRUE(Unary(&v1::ContactsService::Stub::RemoveFromCampaign, stub(), leave, &empty).ok());
  EXPECT_THAT(service().Memberships(MembershipKind::kCampaign, c.id()),
              ElementsAreArray({"campB"}));
  v1::RemoveFromAllCampaignsRequest all;
  all.set_location_id(kDemoLocation);
  all.set_contact_id(c.id());
  ASSERT_TRUE(Unary(&v1::ContactsService::Stub::RemoveFromAllCampaigns, stub(), all, &empty).ok());
  EXPECT_THAT(service().Memberships(MembershipKind::kCampaign, c.id()), IsEmpty());

  v1::AddToWorkflowRequest workflow;
  workflow.set_location_id(kDemoLocation);
  workflow.set_contact_id(c.id());
  workflow.set_workflow_id("wf1");
  workflow.mutable_event_start_time()->set_seconds(1624415400);
  s = Unary(&v1::ContactsService::Stub::AddToWorkflow, stub(), workflow, &empty);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_THAT(service().Memberships(MembershipKind::kWorkflow, c.id()), ElementsAreArray({"wf1"}));
  v1::RemoveFromWorkflowRequest unenrol;
  unenrol.set_location_id(kDemoLocation);
  unenrol.set_contact_id(c.id());
  unenrol.set_workflow_id("wf1");
  ASSERT_TRUE(Unary(&v1::ContactsService::Stub::RemoveFromWorkflow, stub(), unenrol, &empty).ok());
  EXPECT_THAT(service().Memberships(MembershipKind::kWorkflow, c.id()), IsEmpty());

  // A contact that does not exist: NOT_FOUND from GHL, not retried.
  campaign.set_contact_id("NoSuchContact0000000");
  s = Unary(&v1::ContactsService::Stub::AddToCampaign, stub(), campaign, &empty);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(DemoActionsTest, BulkBusinessMovesContactsInAndOut) {
  const v1::Contact& a = UniqueContact(3);
  const v1::Contact& b = UniqueContact(4);
  v1::BulkUpdateBusinessRequest request;
  request.set_location_id(kDemoLocation);
  request.add_contact_ids(a.id());
  request.add_contact_ids(b.id());
  request.set_business_id("QBusiness00000000001");
  v1::BulkUpdateBusinessResponse response;
  auto s = Unary(&v1::ContactsService::Stub::BulkUpdateBusiness, stub(), request, &response);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_THAT(response.contact_ids(), UnorderedElementsAreArray({a.id(), b.id()}));

  v1::ListBusinessContactsRequest list;
  list.set_location_id(kDemoLocation);
  list.set_business_id("QBusiness00000000001");
  auto ids = [&] {
    grpc::ClientContext ctx;
    auto reader = stub().ListBusinessContacts(&ctx, list);
    std::vector<std::string> out;
    v1::ListBusinessContactsResponse page;
    while (reader->Read(&page)) {
      for (const auto& c : page.contacts()) out.push_back(c.id());
    }
    EXPECT_TRUE(reader->Finish().ok());
    return out;
  };
  EXPECT_THAT(ids(), UnorderedElementsAreArray({a.id(), b.id()}));

  request.set_remove_from_business(true);
  s = Unary(&v1::ContactsService::Stub::BulkUpdateBusiness, stub(), request, &response);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_THAT(ids(), IsEmpty());
  v1::GetContactRequest get;
  get.set_location_id(kDemoLocation);
  get.set_contact_id(a.id());
  v1::Contact fetched;
  ASSERT_TRUE(Unary(&v1::ContactsService::Stub::GetContact, stub(), get, &fetched).ok());
  EXPECT_FALSE(fetched.has_business_id());
}

TEST_F(DemoActionsTest, GhlValidationErrorsSurfaceEveryItem) {
  // The gateway refuses what it knows GHL refuses; what only GHL checks
  // comes back as INVALID_ARGUMENT with every item of GHL's 422 list.
  v1::SearchContactsRequest request;
  request.set_location_id(kDemoLocation);
  AddFilter(request.mutable_filters(), "noSuchField", v1::SEARCH_OPERATOR_EQ)
      ->set_string_value("x");
  AddFilter(request.mutable_filters(), "otherField", v1::SEARCH_OPERATOR_EXISTS);
  SearchStream stream = SearchAll(stub(), request);
  EXPECT_EQ(stream.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(stream.status.error_message(), HasSubstr("GHL HTTP 422"));
  EXPECT_THAT(stream.status.error_message(), HasSubstr("filters.0.field"));
  EXPECT_THAT(stream.status.error_message(), HasSubstr("filters.1.field"));
}

// ---------------------------------------------------------------------------
// Every operation through Prism proxy --errors

std::string PrismMissing() {
  if (PrismBin().empty() || access(PrismBin().c_str(), X_OK) != 0) {
    return "Prism not installed (run tools/install-deps); set GHL_PRISM_BIN";
  }
  return "";
}

// Lines of Prism's log that report a problem with the traffic.
std::vector<std::string> PrismLogProblems(const std::string& log) {
  std::vector<std::string> out;
  for (absl::string_view line : absl::StrSplit(log, '\n')) {
    const bool complaint =
        (absl::StrContains(line, "[VALIDATOR]") && !absl::StrContains(line, "\u2714")) ||
        absl::StrContains(line, "\u2716") || absl::StrContains(line, "\u26a0") ||
        absl::StrContains(line, "Violation");
    if (complaint) out.emplace_back(line);
  }
  return out;
}

TEST(PrismProxyActionsTest, EveryOperationConformsToTheSpec) {
  if (const std::string why = PrismMissing(); !why.empty()) {
    if (PrismRequired()) FAIL() << why;
    GTEST_SKIP() << why;
  }
  StackOptions o;
  o.demo_data = false;
  o.generated_contacts = 1234;
  o.prism_proxy = true;
  o.rate_limit_max = 1000000;
  Stack stack(o);
  ASSERT_EQ(stack.error(), "");
  auto& stub = stack.stub();
  auto fail = [&](const grpc::Status& s) { return s.error_message() + "\n" + stack.prism_log(); };

  // search-contacts-advanced: everything, then a filtered, sorted search.
  v1::SearchContactsRequest search;
  search.set_location_id(kDemoLocation);
  search.set_page_size(500);
  SearchStream everything = SearchAll(stub, search);
  ASSERT_TRUE(everything.status.ok()) << fail(everything.status);
  EXPECT_EQ(everything.ids.size(), 1234u);
  AddFilter(search.mutable_filters(), "email", v1::SEARCH_OPERATOR_EXISTS);
  auto* sort = search.add_sort();
  sort->set_field("dateAdded");
  sort->set_direction(v1::SORT_DIRECTION_ASC);
  SearchStream filtered = SearchAll(stub, search);
  ASSERT_TRUE(filtered.status.ok()) << fail(filtered.status);
  EXPECT_GT(filtered.ids.size(), 0u);
  const v1::Contact& some = everything.pages[0].contacts(0);

  // get-duplicate-contact
  v1::FindDuplicateContactRequest duplicate;
  duplicate.set_location_id(kDemoLocation);
  duplicate.set_email(some.email());
  v1::FindDuplicateContactResponse found;
  auto s = Unary(&v1::ContactsService::Stub::FindDuplicateContact, stub, duplicate, &found);
  ASSERT_TRUE(s.ok()) << fail(s);
  EXPECT_EQ(found.contact().id(), some.id());

  // upsert-contact: create, then match.
  v1::UpsertContactRequest upsert;
  upsert.set_location_id(kDemoLocation);
  upsert.mutable_contact()->set_first_name("Prism");
  upsert.mutable_contact()->set_email("prism.upsert.q@example.com");
  upsert.mutable_contact()->set_phone("+14155550199");
  auto* field = upsert.mutable_contact()->add_custom_fields();
  field->set_id("6RxMzAw9qfSJNlhsjOee");
  field->set_string_value("Agency");
  v1::UpsertContactResponse upserted;
  s = Unary(&v1::ContactsService::Stub::UpsertContact, stub, upsert, &upserted);
  ASSERT_TRUE(s.ok()) << fail(s);
  EXPECT_TRUE(upserted.created());
  s = Unary(&v1::ContactsService::Stub::UpsertContact, stub, upsert, &upserted);
  ASSERT_TRUE(s.ok()) << fail(s);
  EXPECT_FALSE(upserted.created());
  const std::string contact_id = upserted.contact().id();

  // get-contacts-by-businessId
  std::string business;
  for (const auto& page : everything.pages) {
    for (const auto& c : page.contacts()) {
      if (business.empty() && c.has_business_id()) business = c.business_id();
    }
  }
  ASSERT_FALSE(business.empty());
  v1::ListBusinessContactsRequest list;
  list.set_location_id(kDemoLocation);
  list.set_business_id(business);
  {
    grpc::ClientContext ctx;
    auto reader = stub.ListBusinessContacts(&ctx, list);
    v1::ListBusinessContactsResponse page;
    int count = 0;
    while (reader->Read(&page)) {
      for (const auto& c : page.contacts()) {
        EXPECT_EQ(c.business_id(), business);
        ++count;
      }
    }
    s = reader->Finish();
    ASSERT_TRUE(s.ok()) << fail(s);
    EXPECT_GT(count, 0);
  }

  // add-followers-contact / remove-followers-contact
  v1::AddFollowersRequest follow;
  follow.set_location_id(kDemoLocation);
  follow.set_contact_id(contact_id);
  follow.add_followers("QFollowerUser0000001");
  v1::AddFollowersResponse followed;
  s = Unary(&v1::ContactsService::Stub::AddFollowers, stub, follow, &followed);
  ASSERT_TRUE(s.ok()) << fail(s);
  v1::RemoveFollowersRequest unfollow;
  unfollow.set_location_id(kDemoLocation);
  unfollow.set_contact_id(contact_id);
  unfollow.add_followers("QFollowerUser0000001");
  v1::RemoveFollowersResponse unfollowed;
  s = Unary(&v1::ContactsService::Stub::RemoveFollowers, stub, unfollow, &unfollowed);
  ASSERT_TRUE(s.ok()) << fail(s);

  // Campaigns and workflows.
  google::protobuf::Empty empty;
  v1::AddToCampaignRequest campaign;
  campaign.set_location_id(kDemoLocation);
  campaign.set_contact_id(contact_id);
  campaign.set_campaign_id("Y2I9XM7aO1hncuSOlc9L");
  s = Unary(&v1::ContactsService::Stub::AddToCampaign, stub, campaign, &empty);
  ASSERT_TRUE(s.ok()) << fail(s);
  v1::RemoveFromCampaignRequest leave;
  leave.set_location_id(kDemoLocation);
  leave.set_contact_id(contact_id);
  leave.set_campaign_id("Y2I9XM7aO1hncuSOlc9L");
  s = Unary(&v1::ContactsService::Stub::RemoveFromCampaign, stub, leave, &empty);
  ASSERT_TRUE(s.ok()) << fail(s);
  v1::RemoveFromAllCampaignsRequest all;
  all.set_location_id(kDemoLocation);
  all.set_contact_id(contact_id);
  s = Unary(&v1::ContactsService::Stub::RemoveFromAllCampaigns, stub, all, &empty);
  ASSERT_TRUE(s.ok()) << fail(s);
  v1::AddToWorkflowRequest workflow;
  workflow.set_location_id(kDemoLocation);
  workflow.set_contact_id(contact_id);
  workflow.set_workflow_id("sx6wyHhbFdRXh302LLNR");
  workflow.mutable_event_start_time()->set_seconds(1624415400);
  s = Unary(&v1::ContactsService::Stub::AddToWorkflow, stub, workflow, &empty);
  ASSERT_TRUE(s.ok()) << fail(s);
  v1::RemoveFromWorkflowRequest unenrol;
  unenrol.set_location_id(kDemoLocation);
  unenrol.set_contact_id(contact_id);
  unenrol.set_workflow_id("sx6wyHhbFdRXh302LLNR");
  s = Unary(&v1::ContactsService::Stub::RemoveFromWorkflow, stub, unenrol, &empty);
  ASSERT_TRUE(s.ok()) << fail(s);

  // add-remove-contact-from-business: in, then out.
  v1::BulkUpdateBusinessRequest bulk;
  bulk.set_location_id(kDemoLocation);
  bulk.add_contact_ids(contact_id);
  bulk.set_business_id(business);
  v1::BulkUpdateBusinessResponse moved;
  s = Unary(&v1::ContactsService::Stub::BulkUpdateBusiness, stub, bulk, &moved);
  ASSERT_TRUE(s.ok()) << fail(s);
  bulk.set_remove_from_business(true);
  s = Unary(&v1::ContactsService::Stub::BulkUpdateBusiness, stub, bulk, &moved);
  ASSERT_TRUE(s.ok()) << fail(s);

  // Prism writes its log asynchronously.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_THAT(PrismLogProblems(stack.prism_log()), IsEmpty());
  // And every call went through Prism to the sandbox.
  const std::string log = stack.prism_log();
  for (const std::string& path : std::vector<std::string>{
           "/contacts/search ", "/contacts/search/duplicate ", "/contacts/upsert ",
           "/contacts/business/" + business + " ", "/contacts/" + contact_id + "/followers ",
           "/contacts/" + contact_id + "/campaigns/Y2I9XM7aO1hncuSOlc9L ",
           "/contacts/" + contact_id + "/campaigns/removeAll ",
           "/contacts/" + contact_id + "/workflow/sx6wyHhbFdRXh302LLNR ",
           "/contacts/bulk/business "}) {
    EXPECT_TRUE(absl::StrContains(log, "The upstream call to " + path + "has returned 2")) << path;
  }
}

// Against `prism mock`: answers only the spec generated (an empty 200 for
// search and the duplicate lookup, the schemas' examples for the rest).
TEST(PrismMockActionsTest, EveryOperationWorksOnTheSpecsOwnAnswers) {
  if (const std::string why = PrismMissing(); !why.empty()) {
    if (PrismRequired()) FAIL() << why;
    GTEST_SKIP() << why;
  }
  const int port = FreePort();
  Subprocess mock({PrismBin(), "mock", SharedDir() + "/ghl-api/apps/contacts.json", "-p",
                   absl::StrCat(port), "-h", "127.0.0.1"},
                  ::testing::TempDir() + absl::StrCat("/prism-mock-q-", port, ".log"));
  ASSERT_TRUE(WaitForPort(port, std::chrono::seconds(60))) << mock.log();
  ghl::server::GatewayConfig gc;
  gc.listen = "127.0.0.1:0";
  gc.upstream = absl::StrCat("http://127.0.0.1:", port);
  gc.retry_max_attempts = 1;
  gc.tokens = {{kDemoLocation, "pit-test-mock-token"}};
  auto gateway = ghl::server::Gateway::Start(gc);
  ASSERT_TRUE(gateway.ok()) << gateway.status();
  auto stub = v1::ContactsService::NewStub(
      grpc::CreateChannel((*gateway)->address(), grpc::InsecureChannelCredentials()));
  auto fail = [&](const grpc::Status& st) { return st.error_message() + "\n" + mock.log(); };

  // Search: an empty 200 is an empty result, one last page.
  v1::SearchContactsRequest search;
  search.set_location_id(kDemoLocation);
  AddFilter(search.mutable_filters(), "email", v1::SEARCH_OPERATOR_EXISTS);
  SearchStream found = SearchAll(*stub, search);
  ASSERT_TRUE(found.status.ok()) << fail(found.status);
  ASSERT_EQ(found.pages.size(), 1u);
  EXPECT_TRUE(found.pages[0].last_page());
  EXPECT_EQ(found.pages[0].contacts_size(), 0);

  v1::FindDuplicateContactRequest duplicate;
  duplicate.set_location_id(kDemoLocation);
  duplicate.set_phone("+1423164516");
  v1::FindDuplicateContactResponse none;
  auto s = Unary(&v1::ContactsService::Stub::FindDuplicateContact, *stub, duplicate, &none);
  ASSERT_TRUE(s.ok()) << fail(s);
  EXPECT_FALSE(none.has_contact());

  v1::UpsertContactRequest upsert;
  upsert.set_location_id(kDemoLocation);
  upsert.mutable_contact()->set_email("rosan@deos.com");
  v1::UpsertContactResponse upserted;
  s = Unary(&v1::ContactsService::Stub::UpsertContact, *stub, upsert, &upserted);
  ASSERT_TRUE(s.ok()) << fail(s);
  EXPECT_TRUE(upserted.created());
  EXPECT_EQ(upserted.contact().id(), "seD4PfOuKoVMLkEZqohJ");

  v1::ListBusinessContactsRequest list;
  list.set_location_id(kDemoLocation);
  list.set_business_id("641c094001436dbc2081e642");
  {
    grpc::ClientContext ctx;
    auto reader = stub->ListBusinessContacts(&ctx, list);
    v1::ListBusinessContactsResponse page;
    std::vector<v1::ListBusinessContactsResponse> pages;
    while (reader->Read(&page)) pages.push_back(page);
    s = reader->Finish();
    ASSERT_TRUE(s.ok()) << fail(s);
    ASSERT_EQ(pages.size(), 1u);
    EXPECT_TRUE(pages[0].last_page());
    EXPECT_EQ(pages[0].contacts(0).id(), "ocQHyuzHvysMo5N5VsXc");
  }

  v1::AddFollowersRequest follow;
  follow.set_location_id(kDemoLocation);
  follow.set_contact_id("sx6wyHhbFdRXh302Lunr");
  follow.add_followers("sx6wyHhbFdRXh302Lunr");
  v1::AddFollowersResponse followed;
  s = Unary(&v1::ContactsService::Stub::AddFollowers, *stub, follow, &followed);
  ASSERT_TRUE(s.ok()) << fail(s);
  EXPECT_EQ(followed.followers_added_size(), 2);
  v1::RemoveFollowersRequest unfollow;
  unfollow.set_location_id(kDemoLocation);
  unfollow.set_contact_id("sx6wyHhbFdRXh302Lunr");
  unfollow.add_followers("sx6wyHhbFdRXh302Lunr");
  v1::RemoveFollowersResponse unfollowed;
  s = Unary(&v1::ContactsService::Stub::RemoveFollowers, *stub, unfollow, &unfollowed);
  ASSERT_TRUE(s.ok()) << fail(s);
  EXPECT_EQ(unfollowed.followers_removed_size(), 2);

  google::protobuf::Empty empty;
  v1::AddToCampaignRequest campaign;
  campaign.set_location_id(kDemoLocation);
  campaign.set_contact_id("3bZD1nQzbul0MCancbQD");
  campaign.set_campaign_id("Y2I9XM7aO1hncuSOlc9L");
  s = Unary(&v1::ContactsService::Stub::AddToCampaign, *stub, campaign, &empty);
  ASSERT_TRUE(s.ok()) << fail(s);
  v1::RemoveFromCampaignRequest leave;
  leave.set_location_id(kDemoLocation);
  leave.set_contact_id("3bZD1nQzbul0MCancbQD");
  leave.set_campaign_id("Y2I9XM7aO1hncuSOlc9L");
  s = Unary(&v1::ContactsService::Stub::RemoveFromCampaign, *stub, leave, &empty);
  ASSERT_TRUE(s.ok()) << fail(s);
  v1::RemoveFromAllCampaignsRequest all;
  all.set_location_id(kDemoLocation);
  all.set_contact_id("3bZD1nQzbul0MCancbQD");
  s = Unary(&v1::ContactsService::Stub::RemoveFromAllCampaigns, *stub, all, &empty);
  ASSERT_TRUE(s.ok()) << fail(s);
  v1::AddToWorkflowRequest workflow;
  workflow.set_location_id(kDemoLocation);
  workflow.set_contact_id("sx6wyHhbFdRXh302LLNR");
  workflow.set_workflow_id("sx6wyHhbFdRXh302LLNR");
  s = Unary(&v1::ContactsService::Stub::AddToWorkflow, *stub, workflow, &empty);
  ASSERT_TRUE(s.ok()) << fail(s);
  v1::RemoveFromWorkflowRequest unenrol;
  unenrol.set_location_id(kDemoLocation);
  unenrol.set_contact_id("sx6wyHhbFdRXh302LLNR");
  unenrol.set_workflow_id("sx6wyHhbFdRXh302LLNR");
  s = Unary(&v1::ContactsService::Stub::RemoveFromWorkflow, *stub, unenrol, &empty);
  ASSERT_TRUE(s.ok()) << fail(s);

  v1::BulkUpdateBusinessRequest bulk;
  bulk.set_location_id(kDemoLocation);
  bulk.add_contact_ids("IDqvFHGColiyK6jiatuz");
  bulk.set_remove_from_business(true);
  v1::BulkUpdateBusinessResponse moved;
  s = Unary(&v1::ContactsService::Stub::BulkUpdateBusiness, *stub, bulk, &moved);
  ASSERT_TRUE(s.ok()) << fail(s);
  EXPECT_EQ(moved.contact_ids(0), "pOC0uJ97VYOKH2m3fkMD");
  (*gateway)->Shutdown(absl::Seconds(1));
}

}  // namespace
}  // namespace ghl::testing
