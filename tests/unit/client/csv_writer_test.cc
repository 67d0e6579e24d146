#include "client/csv_writer.h"

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/unit/client/csv_reader.h"
#include "tests/unit/client/status_matchers.h"
#include "tests/unit/client/temp_dir.h"

namespace ghl::client {
namespace {

using ::ghl::client::testing::IsOk;
using ::ghl::client::testing::ParseCsv;
using ::ghl::client::testing::ReadFile;
using ::ghl::client::testing::TempDir;
using ::testing::ElementsAre;
namespace v1 = ::ghl::contacts::v1;

TEST(CsvQuoteTest, QuotesOnlyWhenNeeded) {
  EXPECT_EQ(CsvQuote(""), "");
  EXPECT_EQ(CsvQuote("plain text"), "plain text");
  EXPECT_EQ(CsvQuote("café 見込み客 مرحبا 🎉"), "café 見込み客 مرحبا 🎉");
  EXPECT_EQ(CsvQuote("follow-up, urgent"), "\"follow-up, urgent\"");
  EXPECT_EQ(CsvQuote("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(CsvQuote("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(CsvQuote("cr\rhere"), "\"cr\rhere\"");
  EXPECT_EQ(CsvQuote("  spaced  "), "\"  spaced  \"");
  EXPECT_EQ(CsvQuote("\ttab"), "\"\ttab\"");
  EXPECT_EQ(CsvQuote("\""), "\"\"\"\"");
}

TEST(MultiValueTest, JoinsWithPipeAndEscapesAndSplitsBack) {
  google::protobuf::RepeatedPtrField<std::string> values;
  for (const char* v : {"vip", "follow-up, urgent", "a|b", "back\\slash", "", "  spaced  ", "見込み客"}) values.Add(v);
  const std::string cell = JoinMultiValue(values);
  EXPECT_EQ(cell, "vip|follow-up, urgent|a\\|b|back\\\\slash||  spaced  |見込み客");
  EXPECT_THAT(SplitMultiValue(cell), ElementsAre("vip", "follow-up, urgent", "a|b", "back\\slash", "", "  spaced  ",
                                                 "見込み客"));
  EXPECT_TRUE(SplitMultiValue("").empty());
  EXPECT_EQ(JoinMultiValue({}), "");
}

TEST(FormatNumberTest, ShortestRoundTrip) {
  EXPECT_EQ(FormatNumber(42), "42");
  EXPECT_EQ(FormatNumber(-3), "-3");
  EXPECT_EQ(FormatNumber(1234.5), "1234.5");
  EXPECT_EQ(FormatNumber(0.1), "0.1");
  EXPECT_EQ(FormatNumber(1.0 / 3), "0.3333333333333333");
  EXPECT_EQ(FormatNumber(1e20), "1e+20");
  EXPECT_EQ(FormatNumber(9007199254740993.0), "9007199254740992");
}

TEST(FormatCustomFieldValueTest, EveryValueKind) {
  v1::CustomFieldValue value;
  EXPECT_EQ(FormatCustomFieldValue(value), "");
  value.set_string_value("Health, Wellness");
  EXPECT_EQ(FormatCustomFieldValue(value), "Health, Wellness");
  value.set_number_value(1499.99);
  EXPECT_EQ(FormatCustomFieldValue(value), "1499.99");
  value.mutable_string_list_value()->add_values("SMS");
  value.mutable_string_list_value()->add_values("Email");
  EXPECT_EQ(FormatCustomFieldValue(value), "SMS|Email");
  value.mutable_json_value()->set_bool_value(true);
  EXPECT_EQ(FormatCustomFieldValue(value), "true");
}

TEST(CustomFieldColumnTest, PrefersIdThenKey) {
  v1::CustomFieldValue value;
  value.set_key("contact.lead_score");
  EXPECT_EQ(CustomFieldColumn(value), "customField.contact.lead_score");
  value.set_id("YjfhkolJ64cbOyxZvVrs");
  EXPECT_EQ(CustomFieldColumn(value), "customField.YjfhkolJ64cbOyxZvVrs");
}

v1::Contact Tricky() {
  v1::Contact contact;
  contact.set_id("c1");
  contact.set_location_id("loc1");
  contact.set_first_name("Zoë \"Z\"");
  contact.set_last_name("محمد");
  contact.set_email("zoe@example.com");
  contact.set_phone("+4915112345678");
  contact.set_company_name("Dicki-Wintheiser, Jacobson and Blanda");
  contact.set_address1("Line 1\r\nLine 2");
  contact.set_dnd(false);
  contact.mutable_date_added()->set_seconds(1625203106);
  contact.mutable_date_added()->set_nanos(704000000);
  for (const char* tag : {"follow-up, urgent", "  spaced  ", "say \"hi\"", "multi\nline", "見込み客", "a|b"}) {
    contact.add_tags(tag);
  }
  v1::CustomFieldValue* industry = contact.add_custom_fields();
  industry->set_id("zz_industry");
  industry->set_string_value("Health");
  v1::CustomFieldValue* consent = contact.add_custom_fields();
  consent->set_id("aa_consent");
  consent->mutable_string_list_value()->add_values("SMS");
  consent->mutable_string_list_value()->add_values("Email");
  return contact;
}

v1::Contact Plain() {
  v1::Contact contact;
  contact.set_id("c2");
  contact.set_first_name("Ann");
  contact.set_dnd(true);
  v1::CustomFieldValue* score = contact.add_custom_fields();
  score->set_id("mm_score");
  score->set_number_value(87.5);
  return contact;
}

class CsvWriterTest : public ::testing::Test {
 protected:
  std::string Write(const std::vector<v1::Contact>& contacts, CsvOptions options) {
    absl::StatusOr<std::unique_ptr<CsvWriter>> writer = CsvWriter::Create(path_, options);
    EXPECT_THAT(writer.status(), IsOk());
    if (!writer.ok()) return "";
    for (const v1::Contact& contact : contacts) EXPECT_THAT((*writer)->Write(contact), IsOk());
    EXPECT_THAT((*writer)->Finish(), IsOk());
    return ReadFile(path_);
  }

  TempDir dir_;
  std::string path_ = dir_.File("contacts.csv");
};

TEST_F(CsvWriterTest, WritesBomHeaderAndQuotedRows) {
  const std::string text = Write({Tricky(), Plain()}, CsvOptions{});
  ASSERT_EQ(text.substr(0, 3), "\xEF\xBB\xBF");
  const auto rows = ParseCsv(text.substr(3));
  ASSERT_EQ(rows.size(), 3u);

  std::vector<std::string> expected_header = CsvFixedColumns();
  // Custom field columns: sorted by id, after the fixed columns, from all rows.
  for (const char* id : {"aa_consent", "mm_score", "zz_industry"}) expected_header.push_back(std::string("customField.") + id);
  EXPECT_EQ(rows[0], expected_header);
  for (const auto& row : rows) EXPECT_EQ(row.size(), expected_header.size());

  auto cell = [&](size_t row, const std::string& column) {
    auto it = std::find(expected_header.begin(), expected_header.end(), column);
    return rows[row][it - expected_header.begin()];
  };
  EXPECT_EQ(cell(1, "id"), "c1");
  EXPECT_EQ(cell(1, "locationId"), "loc1");
  EXPECT_EQ(cell(1, "firstName"), "Zoë \"Z\"");
  EXPECT_EQ(cell(1, "lastName"), "محمد");
  EXPECT_EQ(cell(1, "phone"), "+4915112345678");
  EXPECT_EQ(cell(1, "companyName"), "Dicki-Wintheiser, Jacobson and Blanda");
  EXPECT_EQ(cell(1, "address1"), "Line 1\r\nLine 2");
  EXPECT_EQ(cell(1, "dnd"), "false");
  EXPECT_EQ(cell(1, "dateAdded"), "2021-07-02T05:18:26.704Z");
  EXPECT_EQ(cell(1, "dateUpdated"), "");
  EXPECT_THAT(SplitMultiValue(cell(1, "tags")),
              ElementsAre("follow-up, urgent", "  spaced  ", "say \"hi\"", "multi\nline", "見込み客", "a|b"));
  EXPECT_EQ(cell(1, "customField.aa_consent"), "SMS|Email");
  EXPECT_EQ(cell(1, "customField.mm_score"), "");
  EXPECT_EQ(cell(1, "customField.zz_industry"), "Health");
  EXPECT_EQ(cell(2, "id"), "c2");
  EXPECT_EQ(cell(2, "dnd"), "true");
  EXPECT_EQ(cell(2, "tags"), "");
  EXPECT_EQ(cell(2, "customField.mm_score"), "87.5");
  EXPECT_EQ(cell(2, "customField.zz_industry"), "");
}

TEST_F(CsvWriterTest, NoBomWhenAsked) {
  const std::string text = Write({Plain()}, CsvOptions{false});
  EXPECT_EQ(text.substr(0, 3), "id,");
  EXPECT_EQ(ParseCsv(text).size(), 2u);
}

TEST_F(CsvWriterTest, EmptyExportIsJustTheHeader) {
  const auto rows = ParseCsv(Write({}, CsvOptions{false}));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0], CsvFixedColumns());
}

TEST_F(CsvWriterTest, LeavesOnlyTheFinalFile) {
  Write({Tricky(), Plain()}, CsvOptions{});
  // The spool is unlinked at creation and the .partial renamed.
  EXPECT_THAT(dir_.Files(), ElementsAre("contacts.csv"));
}

TEST_F(CsvWriterTest, NothingAppearsBeforeFinishAndAbortCleansUp) {
  {
    absl::StatusOr<std::unique_ptr<CsvWriter>> writer = CsvWriter::Create(path_, CsvOptions{});
    ASSERT_THAT(writer.status(), IsOk());
    ASSERT_THAT((*writer)->Write(Plain()), IsOk());
    EXPECT_THAT(dir_.Files(), ElementsAre("contacts.csv.partial"));
    (*writer)->Abort();
    EXPECT_TRUE(dir_.Files().empty());
    EXPECT_FALSE((*writer)->Write(Plain()).ok());
  }
  {
    absl::StatusOr<std::unique_ptr<CsvWriter>> writer = CsvWriter::Create(path_, CsvOptions{});
    ASSERT_THAT(writer.status(), IsOk());
    ASSERT_THAT((*writer)->Write(Plain()), IsOk());
  }  // destroyed unfinished
  EXPECT_TRUE(dir_.Files().empty());
}

TEST_F(CsvWriterTest, CreateFailsInAMissingFolder) {
  EXPECT_FALSE(CsvWriter::Create(dir_.File("missing/contacts.csv"), CsvOptions{}).ok());
}

TEST_F(CsvWriterTest, ManyContactsRoundTrip) {
  std::vector<v1::Contact> contacts;
  for (int i = 0; i < 2000; ++i) {
    v1::Contact contact = Tricky();
    contact.set_id("id" + std::to_string(i));
    contact.mutable_custom_fields(0)->set_id("f" + std::to_string(i % 7));
    contacts.push_back(contact);
  }
  const auto rows = ParseCsv(Write(contacts, CsvOptions{false}));
  ASSERT_EQ(rows.size(), 2001u);
  EXPECT_EQ(rows[0].size(), CsvFixedColumns().size() + 8);
  EXPECT_EQ(rows[2000][0], "id1999");
}

}  // namespace
}  // namespace ghl::client
