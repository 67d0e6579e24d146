#include "tools/ghl-sandbox/data_generator.h"

#include <algorithm>
#include <cstdint>
#include <regex>
#include <set>
#include <string>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "rapidjson/document.h"
#include "tools/ghl-sandbox/text_util.h"

namespace ghl::sandbox {
namespace {

rapidjson::Document Parse(const std::string& text) {
  rapidjson::Document doc;
  doc.Parse(text.data(), text.size());
  EXPECT_FALSE(doc.HasParseError()) << text;
  return doc;
}

TEST(DataGeneratorTest, SameSeedSameContacts) {
  GeneratorOptions a{100, 42, "LOC", false};
  const LocationInfo la = GeneratedLocation(a);
  const LocationInfo lb = GeneratedLocation(a);
  EXPECT_EQ(la.users, lb.users);
  for (uint64_t i : {0u, 1u, 57u, 99u}) {
    EXPECT_EQ(GenerateContact(a, la, i).json, GenerateContact(a, lb, i).json);
  }
  GeneratorOptions b = a;
  b.seed = 43;
  const LocationInfo lc = GeneratedLocation(b);
  EXPECT_NE(GenerateContact(a, la, 0).json, GenerateContact(b, lc, 0).json);
  EXPECT_NE(GenerateContact(a, la, 0).id, GenerateContact(a, la, 1).id);
}

TEST(DataGeneratorTest, ContactsLookLikeTheDemo) {
  GeneratorOptions options{3000, 1, "LOC", false};
  const LocationInfo location = GeneratedLocation(options);
  ASSERT_EQ(location.custom_fields.size(), 7u);
  std::set<std::string> countries;
  std::set<std::string> ids;
  bool arabic = false, japanese = false, accented = false, comma_tag = false, attribution = false;
  int64_t min_ms = INT64_MAX, max_ms = INT64_MIN;
  for (uint64_t i = 0; i < 3000; ++i) {
    const ContactRecord r = GenerateContact(options, location, i);
    const rapidjson::Document c = Parse(r.json);
    ASSERT_TRUE(std::regex_match(r.id, std::regex("[A-Za-z0-9]{20}")));
    ids.insert(r.id);
    EXPECT_STREQ(c["id"].GetString(), r.id.c_str());
    EXPECT_STREQ(c["locationId"].GetString(), "LOC");
    EXPECT_EQ(ParseIsoMillis(c["dateAdded"].GetString()), r.date_added_ms);
    countries.insert(c["country"].GetString());
    const std::string name = c["name"].GetString();
    arabic |= absl::StrContains(name, "ف") || absl::StrContains(name, "م");
    japanese |= absl::StrContains(name, "桜") || absl::StrContains(name, "高瀬") ||
                absl::StrContains(name, "佐藤");
    accented |= absl::StrContains(name, "ë") || absl::StrContains(name, "é") ||
                absl::StrContains(name, "ü");
    for (const auto& t : c["tags"].GetArray()) comma_tag |= absl::StrContains(t.GetString(), ",");
    attribution |= c.HasMember("attributionSource");
    for (const auto& f : c["customFields"].GetArray()) {
      EXPECT_TRUE(f["value"].IsString()) << r.json;
      EXPECT_NE(location.FindCustomField(f["id"].GetString()), nullptr);
    }
    EXPECT_TRUE(c["dndSettings"].IsObject());
    min_ms = std::min(min_ms, r.date_added_ms);
    max_ms = std::max(max_ms, r.date_added_ms);
    if (c.HasMember("email")) {
      EXPECT_EQ(r.email_lower, c["emailLowerCase"].GetString());
    }
  }
  EXPECT_EQ(ids.size(), 3000u);
  EXPECT_EQ(countries, (std::set<std::string>{"US", "DE", "FR", "JP", "AE", "BR", "MX", "IN", "CN"}));
  EXPECT_TRUE(arabic);
  EXPECT_TRUE(japanese);
  EXPECT_TRUE(accented);
  EXPECT_TRUE(comma_tag);
  EXPECT_TRUE(attribution);
  EXPECT_LT(max_ms - min_ms, int64_t{9} * 365 * 86400000);
  EXPECT_GT(max_ms - min_ms, int64_t{6} * 365 * 86400000);
}

TEST(DataGeneratorTest, TypedCustomValuesUseNumbersAndArrays) {
  GeneratorOptions options{500, 1, "LOC", true};
  const LocationInfo location = GeneratedLocation(options);
  bool number = false, array = false;
  for (uint64_t i = 0; i < 500; ++i) {
    const rapidjson::Document c = Parse(GenerateContact(options, location, i).json);
    for (const auto& f : c["customFields"].GetArray()) {
      number |= f["value"].IsNumber();
      array |= f["value"].IsArray();
    }
  }
  EXPECT_TRUE(number);
  EXPECT_TRUE(array);
}

TEST(DataGeneratorTest, GenerateDatasetFillsTheStore) {
  ContactStore store;
  ASSERT_TRUE(GenerateDataset({2000, 9, "LOC", false}, &store).ok());
  EXPECT_EQ(store.size(), 2000u);
  EXPECT_EQ(store.CountInLocation("LOC"), 2000u);
  ASSERT_NE(store.FindLocation("LOC"), nullptr);
  EXPECT_EQ(store.FindLocation("LOC")->custom_fields.size(), 7u);
}

}  // namespace
}  // namespace ghl::sandbox
