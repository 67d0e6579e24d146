// Tests of the search body writer (GHL's filter language: exact JSON), its
// validation (INVALID_ARGUMENT naming the field path, before any upstream
// call) and the answer parser (empty body, total, searchAfter, contacts).
#include "adapters/ghl/contacts/search_body.h"

#include <gmock/gmock.h>
#include <google/protobuf/text_format.h>
#include <gtest/gtest.h>

#include <string>

#include "tests/support/status_matchers.h"

namespace ghl::contacts {
namespace {

using ::ghl::contacts::v1::SearchContactsRequest;
using ::ghl::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::StartsWith;

SearchContactsRequest Parse(const std::string& text) {
  SearchContactsRequest request;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &request)) << text;
  return request;
}

std::string Body(const std::string& text, int page = 1, const std::string& search_after = "") {
  SearchPageRequest request;
  request.request = Parse(text);
  request.page_limit = 20;
  request.page = page;
  request.search_after = search_after;
  auto body = SearchBody(request);
  EXPECT_TRUE(body.ok()) << body.status();
  return body.ok() ? *body : "";
}

TEST(SearchBody, GuideSampleRequest) {
  // The sample of GHL's search guide: dnd eq true AND (first OR last name).
  const std::string body = Body(R"pb(
    location_id: "5DP41231LkQsiKESj6rh"
    query: "tom"
    filters { filter { field: "dnd" operator: SEARCH_OPERATOR_EQ bool_value: true } }
    filters {
      group {
        logic: SEARCH_GROUP_LOGIC_OR
        filters {
          filter { field: "firstNameLowerCase" operator: SEARCH_OPERATOR_EQ string_value: "alex" }
        }
        filters {
          filter { field: "lastNameLowerCase" operator: SEARCH_OPERATOR_EQ string_value: "peter" }
        }
      }
    }
    sort { field: "firstNameLowerCase" direction: SORT_DIRECTION_DESC }
  )pb");
  EXPECT_EQ(
      body,
      R"({"locationId":"5DP41231LkQsiKESj6rh","query":"tom","filters":[)"
      R"({"field":"dnd","operator":"eq","value":true},)"
      R"({"group":"OR","filters":[{"field":"firstNameLowerCase","operator":"eq","value":"alex"},)"
      R"({"field":"lastNameLowerCase","operator":"eq","value":"peter"}]}],)"
      R"("sort":[{"field":"firstNameLowerCase","direction":"desc"}],"pageLimit":20,"page":1})");
}

TEST(SearchBody, EveryOperatorAndValueType) {
  const std::string body = Body(
      R"pb(
        location_id: "L"
        filters {
          filter {
            field: "tags"
            operator: SEARCH_OPERATOR_NOT_EQ
            string_list_value { values: "a, b" values: "c" }
          }
        }
        filters { filter { field: "email" operator: SEARCH_OPERATOR_CONTAINS string_value: "Zoë" } }
        filters {
          filter { field: "city" operator: SEARCH_OPERATOR_NOT_CONTAINS string_value: "x" }
        }
        filters { filter { field: "phone" operator: SEARCH_OPERATOR_EXISTS } }
        filters { filter { field: "website" operator: SEARCH_OPERATOR_NOT_EXISTS } }
        filters {
          filter { field: "customFields.abc" operator: SEARCH_OPERATOR_EQ number_value: 2.5 }
        }
        filters {
          filter {
            field: "dateUpdated"
            operator: SEARCH_OPERATOR_EQ
            timestamp_value { seconds: 1625203106 nanos: 704000000 }
          }
        }
        filters {
          filter {
            field: "dateAdded"
            operator: SEARCH_OPERATOR_RANGE
            range_value {
              gte { timestamp_value { seconds: 1600000000 } }
              lt { string_value: "2024-01-31" }
            }
          }
        }
        filters {
          filter {
            field: "customFields.n"
            operator: SEARCH_OPERATOR_RANGE
            range_value {
              gt { number_value: 10 }
              lte { number_value: 20 }
            }
          }
        }
      )pb",
      0, "[1600000000000,\"zz\"]");
  EXPECT_EQ(
      body,
      R"({"locationId":"L","filters":[)"
      R"({"field":"tags","operator":"not_eq","value":["a, b","c"]},)"
      R"({"field":"email","operator":"contains","value":"Zoë"},)"
      R"({"field":"city","operator":"not_contains","value":"x"},)"
      R"({"field":"phone","operator":"exists"},)"
      R"({"field":"website","operator":"not_exists"},)"
      R"({"field":"customFields.abc","operator":"eq","value":2.5},)"
      R"({"field":"dateUpdated","operator":"eq","value":"2021-07-02T05:18:26.704Z"},)"
      R"({"field":"dateAdded","operator":"range","value":{"gte":"2020-09-13T12:26:40.000Z","lt":"2024-01-31"}},)"
      R"({"field":"customFields.n","operator":"range","value":{"gt":10,"lte":20}}],)"
      R"("pageLimit":20,"searchAfter":[1600000000000,"zz"]})");
}

TEST(SearchBody, NoFiltersSearchesEverything) {
  EXPECT_EQ(Body(R"pb(location_id: "L")pb", 3), R"({"locationId":"L","pageLimit":20,"page":3})");
}

TEST(SearchBody, RejectsWhatGhlWouldRejectNamingTheField) {
  struct Case {
    const char* request;
    const char* message_start;
  } cases[] = {
      {R"pb()pb", "location_id: must be set"},
      {R"pb(location_id: "L"
            query: "0123456789012345678901234567890123456789012345678901234567890123456789012345")pb",
       "query: longer than 75"},
      {R"pb(location_id: "L"
            filters {})pb",
       "filters[0]: must hold a filter or a group"},
      {R"pb(location_id: "L"
            filters { filter { operator: SEARCH_OPERATOR_EXISTS } })pb",
       "filters[0].filter.field: must be set"},
      {R"pb(location_id: "L"
            filters { filter { field: "a" } })pb",
       "filters[0].filter.operator: must be set"},
      {R"pb(location_id: "L"
            filters { filter { field: "a" operator: SEARCH_OPERATOR_EQ } })pb",
       "filters[0].filter.value: must be set for eq"},
      {R"pb(location_id: "L"
            filters { filter { field: "a" operator: SEARCH_OPERATOR_EQ string_value: "" } })pb",
       "filters[0].filter.string_value: must not be empty"},
      {R"pb(location_id: "L"
            filters { filter { field: "a" operator: SEARCH_OPERATOR_EXISTS bool_value: true } })pb",
       "filters[0].filter.value: must be unset for exists"},
      {R"pb(location_id: "L"
            filters { filter { field: "a" operator: SEARCH_OPERATOR_CONTAINS number_value: 1 } })pb",
       "filters[0].filter.string_value: CONTAINS / NOT_CONTAINS compare text"},
      {R"pb(location_id: "L"
            filters { filter { field: "a" operator: SEARCH_OPERATOR_RANGE number_value: 1 } })pb",
       "filters[0].filter.range_value: must be set for range"},
      {R"pb(location_id: "L"
            filters {
              filter {
                field: "a"
                operator: SEARCH_OPERATOR_RANGE
                range_value {}
              }
            })pb",
       "filters[0].filter.range_value: needs at least one of gt, gte, lt, lte"},
      {R"pb(location_id: "L"
            filters {
              filter {
                field: "a"
                operator: SEARCH_OPERATOR_RANGE
                range_value { gt {} }
              }
            })pb",
       "filters[0].filter.range_value.gt: a bound must hold"},
      {R"pb(location_id: "L"
            filters {
              filter {
                field: "a"
                operator: SEARCH_OPERATOR_EQ
                range_value { gt { number_value: 1 } }
              }
            })pb",
       "filters[0].filter.range_value: only the RANGE operator takes a range"},
      {R"pb(location_id: "L"
            filters { filter { field: "a" operator: SEARCH_OPERATOR_EQ number_value: inf } })pb",
       "filters[0].filter.number_value: must be a finite number"},
      {R"pb(location_id: "L"
            filters {
              filter {
                field: "a"
                operator: SEARCH_OPERATOR_EQ
                string_list_value {}
              }
            })pb",
       "filters[0].filter.string_list_value: must not be empty"},
      {R"pb(location_id: "L"
            filters {
              filter {
                field: "a"
                operator: SEARCH_OPERATOR_EQ
                string_list_value { values: "x" values: "" }
              }
            })pb",
       "filters[0].filter.string_list_value.values[1]: must not be empty"},
      {R"pb(location_id: "L"
            filters { group { logic: SEARCH_GROUP_LOGIC_AND } })pb",
       "filters[0].group.filters: must not be empty"},
      {R"pb(location_id: "L"
            filters { group { filters { filter { field: "a" operator: SEARCH_OPERATOR_EXISTS } } } })pb",
       "filters[0].group.logic: must be AND or OR"},
      {R"pb(location_id: "L"
            filters { filter { field: "a" operator: SEARCH_OPERATOR_EXISTS } }
            filters {
              group {
                logic: SEARCH_GROUP_LOGIC_OR
                filters { filter { field: "b" operator: 99 } }
              }
            })pb",
       "filters[1].group.filters[0].filter.operator: is not a known operator"},
      {R"pb(location_id: "L"
            sort { direction: SORT_DIRECTION_ASC })pb",
       "sort[0].field: must be set"},
      {R"pb(location_id: "L"
            sort { field: "dateAdded" })pb",
       "sort[0].direction: must be ASC or DESC"},
  };
  for (const Case& c : cases) {
    const SearchContactsRequest request = Parse(c.request);
    EXPECT_THAT(ValidateSearchQuery(request),
                StatusIs(absl::StatusCode::kInvalidArgument, StartsWith(c.message_start)))
        << c.request;
    SearchPageRequest page;
    page.request = request;
    EXPECT_THAT(SearchBody(page),
                StatusIs(absl::StatusCode::kInvalidArgument, StartsWith(c.message_start)));
  }
}

TEST(SearchBody, TextLimitCountsCharactersNotBytes) {
  std::string seventy_five_umlauts;
  for (int i = 0; i < 75; ++i) seventy_five_umlauts += "ü";
  SearchContactsRequest request = Parse(R"pb(location_id: "L")pb");
  request.set_query(seventy_five_umlauts);
  EXPECT_TRUE(ValidateSearchQuery(request).ok());
  request.set_query(seventy_five_umlauts + "x");
  EXPECT_THAT(ValidateSearchQuery(request),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("query")));
}

TEST(SearchBody, GroupsNestOnlySoDeep) {
  SearchContactsRequest request = Parse(R"pb(location_id: "L")pb");
  v1::SearchClause* clause = request.add_filters();
  for (int depth = 0; depth < kMaxSearchGroupDepth + 1; ++depth) {
    auto* group = clause->mutable_group();
    group->set_logic(v1::SEARCH_GROUP_LOGIC_AND);
    clause = group->add_filters();
  }
  clause->mutable_filter()->set_field("a");
  clause->mutable_filter()->set_operator_(v1::SEARCH_OPERATOR_EXISTS);
  EXPECT_THAT(ValidateSearchQuery(request),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("nest deeper than 8")));
}

TEST(SearchBody, PositionMustBeExactlyOneAndWithinTheCap) {
  SearchPageRequest request;
  request.request = Parse(R"pb(location_id: "L")pb");
  request.page_limit = 500;
  request.page = 20;
  EXPECT_TRUE(SearchBody(request).ok());
  request.page = 21;
  EXPECT_THAT(SearchBody(request),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("10000-result cap")));
  request.search_after = "[1]";
  EXPECT_THAT(SearchBody(request),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("exactly one")));
  request.page = 0;
  request.search_after = "{}";
  EXPECT_THAT(SearchBody(request),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("JSON array")));
  request.search_after = "";
  EXPECT_THAT(SearchBody(request),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("exactly one")));
}

TEST(SearchPageLimit, ZeroMeansHundredAndFiveHundredIsTheMost) {
  EXPECT_EQ(*SearchPageLimit(0), 100);
  EXPECT_EQ(*SearchPageLimit(500), 500);
  EXPECT_THAT(SearchPageLimit(501),
              StatusIs(absl::StatusCode::kInvalidArgument, StartsWith("page_size:")));
  EXPECT_THAT(SearchPageLimit(-1),
              StatusIs(absl::StatusCode::kInvalidArgument, StartsWith("page_size:")));
}

TEST(ParseSearchBody, EmptyBodyIsAnEmptyResult) {
  // What Prism's mock answers for the undefined 200.
  for (const char* body : {"", "  \n"}) {
    auto page = ParseSearchBody(body);
    ASSERT_TRUE(page.ok()) << page.status();
    EXPECT_TRUE(page->contacts.empty());
    EXPECT_EQ(page->total, -1);
    EXPECT_EQ(page->search_after, "");
  }
  auto page = ParseSearchBody("{}");
  ASSERT_TRUE(page.ok());
  EXPECT_TRUE(page->contacts.empty());
}

TEST(ParseSearchBody, ReadsContactsTotalAndTheLastSearchAfter) {
  auto page = ParseSearchBody(
      R"({"contacts":[{"id":"a","firstName":"Ann","searchAfter":[1,"a"]},)"
      R"({"id":"b","customFields":[{"id":"f","value":3}],"searchAfter":[12345678901234567,"b"]}],"total":12000})");
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->contacts.size(), 2u);
  EXPECT_EQ(page->total, 12000);
  // Verbatim: an integer past 2^53 keeps every digit.
  EXPECT_EQ(page->search_after, R"([12345678901234567,"b"])");
  // searchAfter is a position, not contact data: nothing of it in extra.
  EXPECT_FALSE(page->contacts[0].has_extra());
  EXPECT_FALSE(page->contacts[1].has_extra());
  EXPECT_EQ(page->contacts[1].custom_fields(0).number_value(), 3);
}

TEST(ParseSearchBody, ResponseLevelSearchAfterAndCount) {
  auto page = ParseSearchBody(R"({"contacts":[{"id":"a"}],"count":7,"searchAfter":["x",2]})");
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->total, 7);
  EXPECT_EQ(page->search_after, R"(["x",2])");
}

TEST(ParseSearchBody, WrongShapesAreErrorsNotCrashes) {
  EXPECT_THAT(ParseSearchBody("{\"contacts\":"),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("malformed")));
  EXPECT_THAT(ParseSearchBody("[]"),
              StatusIs(absl::StatusCode::kInternal, HasSubstr("not an object")));
  EXPECT_THAT(ParseSearchBody(R"({"contacts":{}})"),
              StatusIs(absl::StatusCode::kInternal, HasSubstr("not an array")));
  EXPECT_THAT(ParseSearchBody(R"({"contacts":[1]})"),
              StatusIs(absl::StatusCode::kInternal, HasSubstr("contacts[0]")));
  EXPECT_THAT(ParseSearchBody("{\"contacts\":[{\"id\":\"\xff\"}]}"),
              StatusIs(absl::StatusCode::kInternal, HasSubstr("cannot be mapped")));
}

}  // namespace
}  // namespace ghl::contacts
