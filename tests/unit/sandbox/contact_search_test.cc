// search-contacts-advanced of ghl-sandbox (contact_search.h), handler level:
// validation, every filter operator against a plain evaluation over the
// same contacts, sort, the 10,000-result page cap, and a 12,000-contact
// location read completely through the cap with searchAfter.
#include <algorithm>
#include <cctype>
#include <chrono>
#include <functional>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/sandbox/sandbox_test_util.h"
#include "tools/ghl-sandbox/text_util.h"

namespace ghl::sandbox {
namespace {

using ::ghl::sandbox::testing::kDemoLocation;
using ::ghl::sandbox::testing::kOtherLocation;
using ::ghl::sandbox::testing::kReadOnly;
using ::ghl::sandbox::testing::kWriteOnly;
using ::ghl::sandbox::testing::Messages;
using ::ghl::sandbox::testing::ParseJson;
using ::ghl::sandbox::testing::ServiceHarness;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string Body(const std::string& members) {
  return absl::StrCat(R"({"locationId":")", kDemoLocation, R"(")", members.empty() ? "" : ",",
                      members, "}");
}

// Every id a search yields, paging with searchAfter (pageLimit 500).
std::vector<std::string> SearchAll(ServiceHarness& h, const std::string& members) {
  std::vector<std::string> ids;
  std::string after;
  for (int guard = 0; guard < 1000; ++guard) {
    const std::string position =
        after.empty() ? R"("page":1)" : absl::StrCat(R"("searchAfter":)", after);
    const auto r = h.Call(
        "POST", "/contacts/search",
        Body(absl::StrCat(members, members.empty() ? "" : ",", R"("pageLimit":500,)", position)),
        kReadOnly);
    EXPECT_EQ(r.status, 200) << r.body;
    if (r.status != 200) break;
    const auto& contacts = r.json["contacts"];
    for (const auto& c : contacts.GetArray()) ids.emplace_back(c["id"].GetString());
    if (contacts.Size() < 500) break;
    after = ToJson(contacts[contacts.Size() - 1]["searchAfter"]);
  }
  return ids;
}

class SearchTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    harness_ = new ServiceHarness(ServiceHarness::Generated(3000, 11));
    std::string cursor;
    for (;;) {
      auto r = harness_->Call(
          "GET", absl::StrCat("/contacts/?locationId=", kDemoLocation, "&limit=100", cursor));
      for (const auto& c : r.json["contacts"].GetArray()) contacts_->emplace_back(ToJson(c));
      if (r.json["meta"]["startAfterId"].IsNull()) break;
      cursor = absl::StrCat("&startAfter=", r.json["meta"]["startAfter"].GetInt64(),
                            "&startAfterId=", r.json["meta"]["startAfterId"].GetString());
    }
  }
  static void TearDownTestSuite() {
    delete harness_;
    harness_ = nullptr;
  }

  // The ids of the stored contacts for which `pred` holds.
  static std::set<std::string> Plain(const std::function<bool(const rapidjson::Value&)>& pred) {
    std::set<std::string> out;
    for (const auto& text : *contacts_) {
      const rapidjson::Document c = ParseJson(text);
      if (pred(c)) out.insert(c["id"].GetString());
    }
    return out;
  }

  static std::set<std::string> Searched(const std::string& filters) {
    const std::vector<std::string> ids =
        SearchAll(*harness_, absl::StrCat(R"("filters":)", filters));
    std::set<std::string> out(ids.begin(), ids.end());
    EXPECT_EQ(out.size(), ids.size()) << "an id came twice for " << filters;
    return out;
  }

  static std::string Str(const rapidjson::Value& c, const char* name) {
    return c.HasMember(name) && c[name].IsString() ? c[name].GetString() : "";
  }
  static std::string Lower(const rapidjson::Value& c, const char* name) {
    return Utf8ToLower(Str(c, name));
  }
  static int64_t Ms(const rapidjson::Value& c, const char* name) {
    return ParseIsoMillis(Str(c, name)).value_or(0);
  }
  static std::string Custom(const rapidjson::Value& c, const char* id) {
    for (const auto& f : c["customFields"].GetArray()) {
      if (std::string(f["id"].GetString()) == id) return f["value"].GetString();
    }
    return "";
  }
  static bool HasTag(const rapidjson::Value& c,
                     const std::function<bool(const std::string&)>& pred) {
    for (const auto& t : c["tags"].GetArray()) {
      if (pred(Utf8ToLower(t.GetString()))) return true;
    }
    return false;
  }

  static ServiceHarness* harness_;
  static std::vector<std::string>* contacts_;
};

ServiceHarness* SearchTest::harness_ = nullptr;
std::vector<std::string>* SearchTest::contacts_ = new std::vector<std::string>();

TEST_F(SearchTest, NoFilterYieldsTheWholeLocationInDateAddedDescOrder) {
  const std::vector<std::string> ids = SearchAll(*harness_, "");
  ASSERT_EQ(ids.size(), contacts_->size());
  // The list endpoint pages in (dateAdded, id) ascending order; the default
  // search order is dateAdded descending, ties by id ascending.
  std::vector<std::pair<int64_t, std::string>> keys;
  for (const auto& text : *contacts_) {
    const rapidjson::Document c = ParseJson(text);
    keys.emplace_back(-Ms(c, "dateAdded"), c["id"].GetString());
  }
  std::sort(keys.begin(), keys.end());
  for (size_t i = 0; i < ids.size(); ++i) ASSERT_EQ(ids[i], keys[i].second) << i;
}

TEST_F(SearchTest, EveryOperatorMatchesAPlainFilter) {
  struct Case {
    std::string filters;
    std::function<bool(const rapidjson::Value&)> pred;
  };
  const std::string lead_score = "YjfhkolJ64cbOyxZvVrs";  // NUMERICAL, strings in generated data
  const std::string industry = "6RxMzAw9qfSJNlhsjOee";
  const int64_t y2020 = *ParseIsoMillis("2020-01-01T00:00:00Z");
  const int64_t y2021 = *ParseIsoMillis("2021-01-01T00:00:00Z");
  const Case cases[] = {
      {R"([{"field":"email","operator":"contains","value":"GMAIL"}])",
       [](const auto& c) { return absl::StrContains(Lower(c, "email"), "gmail"); }},
      {R"([{"field":"email","operator":"not_contains","value":"gmail"}])",
       [](const auto& c) { return !absl::StrContains(Lower(c, "email"), "gmail"); }},
      {R"([{"field":"tags","operator":"eq","value":"VIP"}])",
       [](const auto& c) { return HasTag(c, [](const std::string& t) { return t == "vip"; }); }},
      {R"([{"field":"tags","operator":"not_eq","value":"vip"}])",
       [](const auto& c) { return !HasTag(c, [](const std::string& t) { return t == "vip"; }); }},
      {R"([{"field":"tags","operator":"contains","value":", urg"}])",
       [](const auto& c) {
         return HasTag(c, [](const std::string& t) { return absl::StrContains(t, ", urg"); });
       }},
      {R"([{"group":"OR","filters":[{"field":"country","operator":"eq","value":"de"},)"
       R"({"field":"country","operator":"eq","value":"FR"}]}])",
       [](const auto& c) { return Str(c, "country") == "DE" || Str(c, "country") == "FR"; }},
      {R"([{"field":"state","operator":"in","value":["CA","TX"]}])",
       [](const auto& c) { return Str(c, "state") == "CA" || Str(c, "state") == "TX"; }},
      {R"([{"field":"city","operator":"eq","value":["münchen","köln"]}])",
       [](const auto& c) { return Str(c, "city") == "München" || Str(c, "city") == "Köln"; }},
      {R"([{"field":"dnd","operator":"eq","value":true}])",
       [](const auto& c) { return c["dnd"].GetBool(); }},
      {R"([{"field":"dnd","operator":"not_eq","value":true}])",
       [](const auto& c) { return !c["dnd"].GetBool(); }},
      {R"([{"field":"dateAdded","operator":"range","value":{"gte":"2020-01-01T00:00:00Z","lt":1609459200000}}])",
       [&](const auto& c) { return Ms(c, "dateAdded") >= y2020 && Ms(c, "dateAdded") < y2021; }},
      {R"([{"field":"dateUpdated","operator":"gt","value":"2026-01-01"}])",
       [](const auto& c) {
         return Ms(c, "dateUpdated") > *ParseIsoMillis("2026-01-01T00:00:00Z");
       }},
      {absl::StrCat(R"([{"field":"customFields.)", industry,
                    R"(","operator":"eq","value":"saas"}])"),
       [&](const auto& c) { return Custom(c, industry.c_str()) == "SaaS"; }},
      {R"([{"field":"customFields.contact.industry","operator":"exists"}])",
       [&](const auto& c) { return !Custom(c, industry.c_str()).empty(); }},
      {absl::StrCat(R"([{"field":"customFields.)", lead_score,
                    R"(","operator":"range","value":{"gte":50,"lte":"75"}}])"),
       [&](const auto& c) {
         const std::string v = Custom(c, lead_score.c_str());
         return !v.empty() && std::stoi(v) >= 50 && std::stoi(v) <= 75;
       }},
      {R"([{"field":"phone","operator":"not_exists"}])",
       [](const auto& c) { return !c.HasMember("phone"); }},
      {R"([{"field":"phone","operator":"contains","value":"+49"}])",
       [](const auto& c) { return absl::StrContains(Str(c, "phone"), "+49"); }},
      {R"([{"field":"businessId","operator":"exists"}])",
       [](const auto& c) { return c.HasMember("businessId"); }},
      {R"([{"field":"firstName","operator":"not_contains","value":"A"}])",
       [](const auto& c) { return !absl::StrContains(Lower(c, "firstName"), "a"); }},
      {R"([{"field":"lastName","operator":"range","value":{"gte":"m","lt":"s"}}])",
       [](const auto& c) { return Lower(c, "lastName") >= "m" && Lower(c, "lastName") < "s"; }},
      {R"([{"field":"type","operator":"eq","value":"lead"},)"
       R"({"group":"OR","filters":[{"field":"source","operator":"eq","value":"rankr"},)"
       R"({"group":"AND","filters":[{"field":"tags","operator":"exists"},)"
       R"({"field":"assignedTo","operator":"exists"}]}]},)"
       R"({"field":"city","operator":"not_eq","value":"München"}])",
       [](const auto& c) {
         return Str(c, "type") == "lead" &&
                (Str(c, "source") == "Rankr" ||
                 (c["tags"].Size() > 0 && c.HasMember("assignedTo"))) &&
                Str(c, "city") != "München";
       }},
  };
  for (const auto& test : cases) {
    const std::set<std::string> expected = Plain(test.pred);
    EXPECT_FALSE(expected.empty()) << test.filters;
    EXPECT_LT(expected.size(), contacts_->size()) << test.filters;
    EXPECT_EQ(Searched(test.filters), expected) << test.filters;
  }
  // An id field compares exactly; the query narrows like GET /contacts/.
  const rapidjson::Document some = ParseJson(contacts_->front());
  const std::string user = Str(some, "assignedTo").empty()
                               ? Str(ParseJson((*contacts_)[1]), "assignedTo")
                               : Str(some, "assignedTo");
  ASSERT_FALSE(user.empty());
  EXPECT_EQ(
      Searched(absl::StrCat(R"([{"field":"assignedTo","operator":"eq","value":")", user, R"("}])")),
      Plain([&](const auto& c) { return Str(c, "assignedTo") == user; }));
  EXPECT_TRUE(
      Searched(absl::StrCat(R"([{"field":"assignedTo","operator":"eq","value":")",
                            Utf8ToLower(user) == user ? user + "X" : Utf8ToLower(user), R"("}])"))
          .empty());
  const std::vector<std::string> queried = SearchAll(*harness_, R"("query":"GMAIL.COM")");
  EXPECT_EQ(std::set<std::string>(queried.begin(), queried.end()),
            Plain([](const auto& c) { return absl::StrContains(Lower(c, "email"), "gmail.com"); }));
}

TEST_F(SearchTest, SortByNamesAndDates) {
  const auto check = [&](const std::string& sort,
                         const std::function<std::string(const rapidjson::Value&)>& key,
                         bool descending) {
    std::vector<std::string> ids = SearchAll(*harness_, absl::StrCat(R"("sort":)", sort));
    ASSERT_EQ(ids.size(), contacts_->size()) << sort;
    std::map<std::string, std::string> key_of;
    for (const auto& text : *contacts_) {
      const rapidjson::Document c = ParseJson(text);
      key_of[c["id"].GetString()] = key(c);
    }
    for (size_t i = 1; i < ids.size(); ++i) {
      const std::string& a = key_of[ids[i - 1]];
      const std::string& b = key_of[ids[i]];
      if (a == b) {
        ASSERT_LT(ids[i - 1], ids[i]) << sort << " ties break by id";
      } else {
        ASSERT_EQ(descending ? a > b : a < b, true) << sort << " at " << i;
      }
    }
  };
  check(R"([{"field":"firstName","direction":"asc"}])",
        [](const auto& c) { return Lower(c, "firstName"); }, false);
  check(R"([{"field":"lastName","direction":"desc"}])",
        [](const auto& c) { return Lower(c, "lastName"); }, true);
  check(R"([{"field":"email"}])", [](const auto& c) { return Lower(c, "email"); }, false);
  check(R"([{"field":"dateUpdated","direction":"desc"}])",
        [](const auto& c) { return absl::StrCat(1000000000000000 + Ms(c, "dateUpdated")); }, true);
  check(R"([{"field":"dateAdded","direction":"asc"}])",
        [](const auto& c) { return absl::StrCat(1000000000000000 + Ms(c, "dateAdded")); }, false);
}

TEST_F(SearchTest, EachContactCarriesItsSearchAfter) {
  const auto r = harness_->Call(
      "POST", "/contacts/search",
      Body(
          R"("pageLimit":3,"sort":[{"field":"firstName","direction":"asc"},{"field":"dateAdded","direction":"desc"}])"));
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.json["total"].GetUint64(), contacts_->size());
  for (const auto& c : r.json["contacts"].GetArray()) {
    const auto& after = c["searchAfter"];
    ASSERT_EQ(after.Size(), 3u);
    EXPECT_EQ(after[0].GetString(), Utf8ToLower(c["firstName"].GetString()));
    EXPECT_EQ(after[1].GetInt64(), *ParseIsoMillis(c["dateAdded"].GetString()));
    EXPECT_STREQ(after[2].GetString(), c["id"].GetString());
    // The rest of the contact is the stored JSON.
    rapidjson::Document copy;
    copy.CopyFrom(c, copy.GetAllocator());
    copy.EraseMember("searchAfter");
    EXPECT_EQ(ToJson(copy), harness_->service().ContactJson(c["id"].GetString()));
  }
}

TEST_F(SearchTest, ValidationIs422WithListMessages) {
  auto r = harness_->Call("POST", "/contacts/search", "{}");
  EXPECT_EQ(r.status, 422);
  EXPECT_THAT(Messages(r.json),
              ElementsAre("locationId should not be empty", "pageLimit should not be empty"));
  EXPECT_THAT(Messages(harness_->Call("POST", "/contacts/search", Body(R"("pageLimit":501)")).json),
              ElementsAre("pageLimit must not be greater than 500"));
  EXPECT_THAT(Messages(harness_->Call("POST", "/contacts/search", Body(R"("pageLimit":2.5)")).json),
              ElementsAre("pageLimit must be an integer number"));
  r = harness_->Call("POST", "/contacts/search", Body(R"("pageLimit":500,"page":21)"));
  ASSERT_EQ(r.status, 422);
  ASSERT_EQ(Messages(r.json).size(), 1u);
  EXPECT_THAT(Messages(r.json)[0], HasSubstr("page * pageLimit must not exceed 10000"));
  EXPECT_THAT(Messages(r.json)[0], HasSubstr("searchAfter"));
  EXPECT_EQ(harness_->Call("POST", "/contacts/search", Body(R"("pageLimit":500,"page":20)")).status,
            200);
  EXPECT_THAT(Messages(harness_
                           ->Call("POST", "/contacts/search",
                                  Body(absl::StrCat(R"("pageLimit":5,"query":")",
                                                    std::string(76, 'q'), "\"")))
                           .json),
              ElementsAre("query must be shorter than or equal to 75 characters"));
  EXPECT_EQ(
      harness_
          ->Call("POST", "/contacts/search",
                 Body(absl::StrCat(R"("pageLimit":5,"query":")",
                                   std::string(25, 'q') + "ü字ق" + std::string(47, 'q'), "\"")))
          .status,
      200);
  EXPECT_THAT(
      Messages(harness_
                   ->Call("POST", "/contacts/search",
                          Body(R"("pageLimit":5,"page":1,"searchAfter":[1,"x"])"))
                   .json),
      ElementsAre("page and searchAfter cannot be used together: send searchAfter without page"));
  EXPECT_THAT(
      Messages(
          harness_->Call("POST", "/contacts/search", Body(R"("pageLimit":5,"searchAfter":["x"])"))
              .json)[0],
      HasSubstr("searchAfter must be the searchAfter array"));
  EXPECT_THAT(
      Messages(
          harness_
              ->Call(
                  "POST", "/contacts/search",
                  Body(
                      R"("pageLimit":5,"limit":5,"filters":[{"field":"nope","operator":"eq","value":"x"},)"
                      R"({"field":"email","operator":"like","value":"x"},)"
                      R"({"group":"XOR","filters":[]},)"
                      R"({"field":"email","operator":"eq"},)"
                      R"({"field":"tags","operator":"range","value":{"gt":"a"}},)"
                      R"({"field":"dateAdded","operator":"gt","value":"yesterday"},)"
                      R"({"field":"customFields.unknown","operator":"exists"}],)"
                      R"("sort":[{"field":"city","direction":"up"}])"))
              .json),
      ElementsAre(
          "property limit should not exist",
          "filters.0.field must be one of the following values: firstName, lastName, email, phone, "
          "tags, type, source, assignedTo, businessId, country, city, state, dnd, dateAdded, "
          "dateUpdated, customFields.<id>",
          "filters.1.operator must be one of the following values: eq, not_eq, contains, "
          "not_contains, exists, not_exists, in, range, gt, gte, lt, lte",
          "filters.2.group must be one of the following values: AND, OR",
          "filters.2.filters should not be empty", "filters.3.value should not be empty",
          "filters.4.operator range is not supported for field tags",
          "filters.5.value must be a valid ISO 8601 date string or epoch milliseconds",
          "filters.6.field refers to an unknown custom field: unknown",
          "sort.0.field must be one of the following values: dateAdded, dateUpdated, firstName, "
          "lastName, email",
          "sort.0.direction must be one of the following values: asc, desc"));
  EXPECT_EQ(harness_->Call("POST", "/contacts/search", "[]").status, 400);
}

TEST_F(SearchTest, LocationAndScope) {
  EXPECT_EQ(harness_
                ->Call("POST", "/contacts/search",
                       absl::StrCat(R"({"locationId":")", kOtherLocation, R"(","pageLimit":5})"))
                .status,
            403);
  EXPECT_EQ(harness_->Call("POST", "/contacts/search", Body(R"("pageLimit":5)"), kWriteOnly).status,
            401);
  EXPECT_EQ(harness_->Call("POST", "/contacts/search", Body(R"("pageLimit":5)"), "").status, 401);
  // GET /contacts/search is get-contact with the id "search" (Express routing).
  EXPECT_EQ(harness_->Call("GET", "/contacts/search").status, 404);
}

TEST(SearchWritesTest, SearchAfterSurvivesWritesBetweenPages) {
  ServiceHarness h(ServiceHarness::Generated(50));
  auto first = h.Call("POST", "/contacts/search", Body(R"("pageLimit":10)"));
  ASSERT_EQ(first.status, 200);
  const std::string after = ToJson(first.json["contacts"][9]["searchAfter"]);
  // A new contact (dateAdded now = 2021, older than most generated ones)
  // and a deleted one of the first page do not disturb the position.
  ASSERT_EQ(
      h.Call("DELETE", absl::StrCat("/contacts/", first.json["contacts"][0]["id"].GetString()))
          .status,
      200);
  ASSERT_EQ(h.Call("POST", "/contacts/", Body(R"("firstName":"Late")")).status, 201);
  const auto next = h.Call("POST", "/contacts/search",
                           Body(absl::StrCat(R"("pageLimit":10,"searchAfter":)", after)));
  ASSERT_EQ(next.status, 200);
  EXPECT_EQ(next.json["total"].GetInt(), 50);
  const auto whole = h.Call("POST", "/contacts/search", Body(R"("pageLimit":50)"));
  EXPECT_STREQ(next.json["contacts"][0]["id"].GetString(),
               whole.json["contacts"][9]["id"].GetString());
  // A searched field that changes is seen by the next search.
  const std::string id = whole.json["contacts"][0]["id"].GetString();
  ASSERT_EQ(h.Call("PUT", "/contacts/" + id, R"({"city":"Atlantis"})").status, 200);
  const auto city = h.Call(
      "POST", "/contacts/search",
      Body(R"("pageLimit":5,"filters":[{"field":"city","operator":"eq","value":"atlantis"}])"));
  ASSERT_EQ(city.json["contacts"].Size(), 1u);
  EXPECT_STREQ(city.json["contacts"][0]["id"].GetString(), id.c_str());
}

TEST(SearchCapTest, TwelveThousandContactsThroughThePageCapWithSearchAfter) {
  ServiceHarness h(ServiceHarness::Generated(12000, 3));
  const auto started = std::chrono::steady_clock::now();
  std::vector<std::string> ids;
  std::string after;
  int last_page = 0;
  for (int page = 1; page < 100; ++page) {
    // Page numbers while they stay under the cap, then searchAfter.
    const bool by_page = page * 500 <= 10000;
    const std::string position =
        by_page ? absl::StrCat(R"("page":)", page) : absl::StrCat(R"("searchAfter":)", after);
    const auto r =
        h.Call("POST", "/contacts/search", Body(absl::StrCat(R"("pageLimit":500,)", position)));
    ASSERT_EQ(r.status, 200) << r.body.substr(0, 300);
    EXPECT_EQ(r.json["total"].GetInt(), 12000);
    const auto& contacts = r.json["contacts"];
    for (const auto& c : contacts.GetArray()) ids.emplace_back(c["id"].GetString());
    last_page = page;
    if (contacts.Size() < 500) break;
    after = ToJson(contacts[contacts.Size() - 1]["searchAfter"]);
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  EXPECT_EQ(last_page, 25);  // 20 numbered pages, 4 more by searchAfter, then an empty one
  ASSERT_EQ(ids.size(), 12000u);
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), 12000u);
  // Page 21 by number is refused with a pointer to searchAfter.
  const auto capped = h.Call("POST", "/contacts/search", Body(R"("pageLimit":500,"page":21)"));
  EXPECT_EQ(capped.status, 422);
  std::cout << "[ info ] 12000 contacts in 24 search pages: " << seconds << " s\n";
}

}  // namespace
}  // namespace ghl::sandbox
