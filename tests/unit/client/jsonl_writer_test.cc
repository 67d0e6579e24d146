#include "client/jsonl_writer.h"

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_split.h"
#include "adapters/ghl/contacts/contact_mapping.h"
#include "tests/unit/client/status_matchers.h"
#include "tests/unit/client/temp_dir.h"

namespace ghl::client {
namespace {

using ::ghl::client::testing::IsOk;
using ::ghl::client::testing::ReadFile;
using ::ghl::client::testing::TempDir;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
namespace v1 = ::ghl::contacts::v1;

TEST(JsonlWriterTest, OneContactPerLineAsGhlJsonWithUnicodeIntact) {
  TempDir dir;
  const std::string path = dir.File("contacts.jsonl");
  v1::Contact first;
  first.set_id("c1");
  first.set_first_name("José 見込み客");
  first.set_last_name("محمد 🎉");
  first.add_tags("follow-up, urgent");
  first.add_tags("multi\nline");
  v1::Contact second;
  second.set_id("c2");
  second.set_email("ann@example.com");

  absl::StatusOr<std::unique_ptr<JsonlWriter>> writer = JsonlWriter::Create(path);
  ASSERT_THAT(writer.status(), IsOk());
  ASSERT_THAT((*writer)->Write(first), IsOk());
  ASSERT_THAT((*writer)->Write(second), IsOk());
  EXPECT_THAT(dir.Files(), ElementsAre("contacts.jsonl.partial"));
  ASSERT_THAT((*writer)->Finish(), IsOk());
  EXPECT_THAT(dir.Files(), ElementsAre("contacts.jsonl"));

  const std::string text = ReadFile(path);
  std::vector<std::string> lines = absl::StrSplit(text, '\n');
  ASSERT_EQ(lines.size(), 3u);  // two lines and the empty rest after the final "\n"
  EXPECT_EQ(lines[2], "");
  EXPECT_EQ(lines[0], ghl::contacts::ContactToJsonString(first));
  EXPECT_EQ(lines[1], ghl::contacts::ContactToJsonString(second));
  // Raw UTF-8, not \u escapes; the newline inside a tag is escaped by JSON.
  EXPECT_THAT(lines[0], HasSubstr("José 見込み客"));
  EXPECT_THAT(lines[0], HasSubstr("محمد 🎉"));
  EXPECT_THAT(lines[0], HasSubstr("multi\\nline"));
  absl::StatusOr<v1::Contact> back = ghl::contacts::ContactFromJsonString(lines[0]);
  ASSERT_THAT(back.status(), IsOk());
  EXPECT_EQ(back->first_name(), "José 見込み客");
  EXPECT_THAT(back->tags(), ElementsAre("follow-up, urgent", "multi\nline"));
}

TEST(JsonlWriterTest, AbortLeavesNothing) {
  TempDir dir;
  absl::StatusOr<std::unique_ptr<JsonlWriter>> writer = JsonlWriter::Create(dir.File("x.jsonl"));
  ASSERT_THAT(writer.status(), IsOk());
  ASSERT_THAT((*writer)->Write(v1::Contact()), IsOk());
  (*writer)->Abort();
  EXPECT_TRUE(dir.Files().empty());
}

TEST(JsonlWriterTest, CreateFailsInAMissingFolder) {
  TempDir dir;
  EXPECT_FALSE(JsonlWriter::Create(dir.File("missing/x.jsonl")).ok());
}

}  // namespace
}  // namespace ghl::client
