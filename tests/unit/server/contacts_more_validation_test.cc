// Request checks of the search / upsert / business / followers / campaign /
// workflow RPCs (INVALID_ARGUMENT naming the field) and the resume token
// codecs of SearchContacts and ListBusinessContacts.
#include "server/contacts_more_validation.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/support/status_matchers.h"

namespace ghl::server {
namespace {

namespace v1 = ::ghl::contacts::v1;
using ::ghl::contacts::BusinessPosition;
using ::ghl::contacts::SearchPosition;
using ::ghl::testing::IsOk;
using ::ghl::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::StartsWith;

MATCHER_P(InvalidField, field, "") {
  return ::testing::ExplainMatchResult(
      StatusIs(absl::StatusCode::kInvalidArgument, StartsWith(std::string(field) + ":")), arg,
      result_listener);
}

TEST(ValidateSearch, NamesTheFieldBeforeAnyUpstreamCall) {
  v1::SearchContactsRequest r;
  EXPECT_THAT(ValidateRequest(r), InvalidField("location_id"));
  r.set_location_id("L1");
  EXPECT_THAT(ValidateRequest(r), IsOk());
  r.set_page_size(501);
  EXPECT_THAT(ValidateRequest(r), InvalidField("page_size"));
  r.set_page_size(500);
  r.add_filters()->mutable_group()->set_logic(v1::SEARCH_GROUP_LOGIC_OR);
  EXPECT_THAT(ValidateRequest(r), InvalidField("filters[0].group.filters"));
  r.clear_filters();
  r.mutable_read_mask()->add_paths("nope");
  EXPECT_THAT(ValidateRequest(r), InvalidField("read_mask"));
}

TEST(ValidateBusiness, NeedsLocationAndBusiness) {
  v1::ListBusinessContactsRequest r;
  r.set_location_id("L1");
  EXPECT_THAT(ValidateRequest(r), InvalidField("business_id"));
  r.set_business_id("b/../x");
  EXPECT_THAT(ValidateRequest(r), InvalidField("business_id"));
  r.set_business_id("63b7ec34ea409a9a8bd2a4ff");
  EXPECT_THAT(ValidateRequest(r), IsOk());
  r.set_page_size(101);
  EXPECT_THAT(ValidateRequest(r), InvalidField("page_size"));
}

TEST(ValidateUpsert, ChecksTheBodyBeforeSending) {
  v1::UpsertContactRequest r;
  EXPECT_THAT(ValidateRequest(r), InvalidField("location_id"));
  r.set_location_id("L1");
  // Nothing to match on: an upsert would be a create that a retry repeats.
  EXPECT_THAT(ValidateRequest(r), InvalidField("contact.email"));
  r.mutable_contact()->set_phone("+14155550123");
  EXPECT_THAT(ValidateRequest(r), IsOk());
  r.mutable_contact()->clear_phone();
  r.mutable_contact()->set_email("ada@example.com");
  EXPECT_THAT(ValidateRequest(r), IsOk());
  r.mutable_contact()->set_location_id("L2");
  EXPECT_THAT(ValidateRequest(r), InvalidField("contact.location_id"));
  r.mutable_contact()->clear_location_id();
  r.mutable_contact()->add_custom_fields()->set_string_value("x");
  EXPECT_THAT(ValidateRequest(r),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(StartsWith("contact:"), HasSubstr("custom_fields[0]"))));
}

TEST(ValidateDuplicate, NeedsEmailOrPhone) {
  v1::FindDuplicateContactRequest r;
  r.set_location_id("L1");
  EXPECT_THAT(ValidateRequest(r), InvalidField("email"));
  r.set_phone("+14155550123");
  EXPECT_THAT(ValidateRequest(r), IsOk());
}

TEST(ValidateWrites, IdsAndLists) {
  v1::AddFollowersRequest add;
  add.set_location_id("L1");
  EXPECT_THAT(ValidateRequest(add), InvalidField("contact_id"));
  add.set_contact_id("c1");
  EXPECT_THAT(ValidateRequest(add), InvalidField("followers"));
  add.add_followers("u1");
  add.add_followers("");
  EXPECT_THAT(ValidateRequest(add), InvalidField("followers[1]"));
  add.set_followers(1, "u2");
  EXPECT_THAT(ValidateRequest(add), IsOk());

  v1::RemoveFromCampaignRequest campaign;
  campaign.set_location_id("L1");
  campaign.set_contact_id("c1");
  EXPECT_THAT(ValidateRequest(campaign), InvalidField("campaign_id"));
  v1::RemoveFromAllCampaignsRequest all;
  all.set_contact_id("c1");
  EXPECT_THAT(ValidateRequest(all), InvalidField("location_id"));

  v1::AddToWorkflowRequest workflow;
  workflow.set_location_id("L1");
  workflow.set_contact_id("c1");
  workflow.set_workflow_id("w1");
  EXPECT_THAT(ValidateRequest(workflow), IsOk());
  workflow.mutable_event_start_time()->set_nanos(-1);
  EXPECT_THAT(ValidateRequest(workflow), InvalidField("event_start_time"));
}

TEST(ValidateBulkBusiness, NeedsIdsAndExactlyOneTarget) {
  v1::BulkUpdateBusinessRequest r;
  r.set_location_id("L1");
  EXPECT_THAT(ValidateRequest(r), InvalidField("contact_ids"));
  r.add_contact_ids("a");
  EXPECT_THAT(ValidateRequest(r), InvalidField("business_id"));
  r.set_remove_from_business(false);
  EXPECT_THAT(ValidateRequest(r), InvalidField("remove_from_business"));
  r.set_remove_from_business(true);
  EXPECT_THAT(ValidateRequest(r), IsOk());
  r.set_business_id("biz1");
  EXPECT_THAT(ValidateRequest(r), IsOk());
  r.add_contact_ids(std::string(51, 'x'));
  EXPECT_THAT(ValidateRequest(r), InvalidField("contact_ids[1]"));
}

v1::SearchContactsRequest SearchRequest() {
  v1::SearchContactsRequest r;
  r.set_location_id("L1");
  r.set_page_size(500);
  auto* f = r.add_filters()->mutable_filter();
  f->set_field("tags");
  f->set_operator_(v1::SEARCH_OPERATOR_EQ);
  f->set_string_value("vip");
  return r;
}

TEST(SearchToken, RoundTripsBothModes) {
  v1::SearchContactsRequest r = SearchRequest();
  EXPECT_EQ(DecodeSearchToken(r, 500)->next_page, 1);  // no token: the start
  SearchPosition by_page{7, "", 6, 3000, false};
  r.set_resume_token(EncodeSearchToken(r, by_page));
  auto decoded = DecodeSearchToken(r, 500);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(decoded->next_page, 7);
  EXPECT_EQ(decoded->contacts_delivered, 3000);
  SearchPosition by_after{0, R"([12345678901234567,"x"])", 21, 10500, false};
  r.set_resume_token(EncodeSearchToken(r, by_after));
  decoded = DecodeSearchToken(r, 500);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(decoded->search_after, by_after.search_after);
  EXPECT_EQ(decoded->pages_delivered, 21);
}

TEST(SearchToken, BoundToTheSearch) {
  v1::SearchContactsRequest r = SearchRequest();
  r.set_resume_token(EncodeSearchToken(r, SearchPosition{2, "", 1, 500, false}));
  v1::SearchContactsRequest other = r;
  other.mutable_filters(0)->mutable_filter()->set_string_value("lead");
  EXPECT_THAT(DecodeSearchToken(other, 500), InvalidField("resume_token"));
  other = r;
  other.set_page_size(100);
  EXPECT_THAT(DecodeSearchToken(other, 100), InvalidField("resume_token"));
  other = r;
  other.set_location_id("L2");
  EXPECT_THAT(DecodeSearchToken(other, 500), InvalidField("resume_token"));
  other = r;
  other.mutable_read_mask()->add_paths("email");  // the mask does not matter
  EXPECT_THAT(DecodeSearchToken(other, 500), IsOk());
  other.set_resume_token("not a token!");
  EXPECT_THAT(DecodeSearchToken(other, 500),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("malformed")));
}

TEST(SearchToken, RefusesInconsistentPositions) {
  v1::SearchContactsRequest r = SearchRequest();
  for (const SearchPosition& bad : {SearchPosition{21, "", 20, 10000, false},   // past the cap
                                    SearchPosition{0, "", 3, 1500, false},      // neither
                                    SearchPosition{2, "[1]", 1, 500, false},    // both
                                    SearchPosition{0, "{}", 1, 500, false}}) {  // not an array
    r.set_resume_token(EncodeSearchToken(r, bad));
    EXPECT_THAT(DecodeSearchToken(r, 500),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("inconsistent")));
  }
}

TEST(BusinessToken, RoundTripsAndIsBound) {
  v1::ListBusinessContactsRequest r;
  r.set_location_id("L1");
  r.set_business_id("B1");
  r.set_resume_token(EncodeBusinessToken(r, 25, BusinessPosition{50, 2, 50, false}));
  auto decoded = DecodeBusinessToken(r, 25);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(decoded->skip, 50);
  EXPECT_THAT(DecodeBusinessToken(r, 100), InvalidField("resume_token"));
  r.set_business_id("B2");
  EXPECT_THAT(DecodeBusinessToken(r, 25), InvalidField("resume_token"));
}

}  // namespace
}  // namespace ghl::server
