#include "tools/ghl-sandbox/dataset_loader.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/unit/sandbox/sandbox_test_util.h"

namespace ghl::sandbox {
namespace {

using ::ghl::sandbox::testing::DemoDir;
using ::ghl::sandbox::testing::ReadLines;

// A fresh directory, removed when the object goes out of scope.
class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    path_ = absl::StrCat(base && *base ? base : "/tmp", "/ghl-sandbox-test-XXXXXX");
    EXPECT_NE(mkdtemp(path_.data()), nullptr);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

TEST(DatasetLoaderTest, LoadsTheDemoDataset) {
  ContactStore store;
  auto summary = LoadDataset(DemoDir(), &store);
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(summary->location_id, "ve9EPM428h8vShlRW1KT");
  EXPECT_EQ(summary->contacts, 5000u);
  EXPECT_EQ(summary->tasks, 7593u);
  EXPECT_EQ(summary->notes, 5035u);
  EXPECT_EQ(summary->appointments, 1024u);
  EXPECT_EQ(store.CountInLocation("ve9EPM428h8vShlRW1KT"), 5000u);
  const LocationInfo* location = store.FindLocation("ve9EPM428h8vShlRW1KT");
  ASSERT_NE(location, nullptr);
  EXPECT_EQ(location->custom_fields.size(), 7u);
  EXPECT_EQ(location->FindCustomField("contact.industry")->options.size(), 5u);
  EXPECT_EQ(location->users.size(), 6u);
  // Records are kept byte for byte.
  const std::string first = ReadLines(DemoDir() + "/contacts.jsonl").front();
  const ContactRecord* record = store.Find("0p6lxrDAGRSULCw5xK9W");
  ASSERT_NE(record, nullptr);
  EXPECT_EQ(record->json, first);
  EXPECT_FALSE(store.Related(RelatedKind::kTask, "0p6lxrDAGRSULCw5xK9W").empty());
}

TEST(DatasetLoaderTest, MissingFilesAreNotFound) {
  ContactStore store;
  EXPECT_EQ(LoadDataset("/nonexistent/dir", &store).status().code(), absl::StatusCode::kNotFound);
  const TempDir temp;
  const std::string& dir = temp.path();
  WriteFile(dir + "/location.json", R"({"locationId":"L"})");
  EXPECT_EQ(LoadDataset(dir, &store).status().code(), absl::StatusCode::kNotFound);
}

TEST(DatasetLoaderTest, MalformedLineNamesFileAndLine) {
  const TempDir temp;
  const std::string& dir = temp.path();
  WriteFile(dir + "/location.json", R"({"locationId":"L","customFields":[]})");
  WriteFile(dir + "/contacts.jsonl",
            "{\"id\":\"a\",\"locationId\":\"L\"}\r\n\n{\"id\":\"b\",\"locationId\":\"L\"\n");
  ContactStore store;
  const absl::Status s = LoadDataset(dir, &store).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(s.message(), "contacts.jsonl line 3")) << s;
}

TEST(DatasetLoaderTest, OptionalFilesMayBeAbsentAndUnknownMembersAreKept) {
  const TempDir temp;
  const std::string& dir = temp.path();
  WriteFile(dir + "/location.json", R"({"locationId":"L"})");
  WriteFile(dir + "/contacts.jsonl", "{\"id\":\"a\",\"locationId\":\"L\",\"x\":{\"y\":[1,2.50,\"é\"]}}\n");
  ContactStore store;
  auto summary = LoadDataset(dir, &store);
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(summary->contacts, 1u);
  EXPECT_EQ(summary->tasks, 0u);
  EXPECT_EQ(store.Find("a")->json, "{\"id\":\"a\",\"locationId\":\"L\",\"x\":{\"y\":[1,2.50,\"é\"]}}");
}

TEST(ParseLocationJsonTest, RejectsBadShapes) {
  EXPECT_FALSE(ParseLocationJson("[]").ok());
  EXPECT_FALSE(ParseLocationJson("{}").ok());
  EXPECT_FALSE(ParseLocationJson(R"({"locationId":"L","customFields":{}})").ok());
  EXPECT_FALSE(ParseLocationJson(R"({"locationId":"L","customFields":[{"key":"k"}]})").ok());
}

}  // namespace
}  // namespace ghl::sandbox
