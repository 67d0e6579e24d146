// Every ghlctl command group run end to end, in-process: ghlctl::Run ->
// the gateway (port 0) -> ghl-sandbox (port 0) with the demo location
// (../shared/data/location-demo). Checks what each command prints and that
// the writes reach the sandbox (read back through ghlctl).
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "client/ghlctl/commands.h"
#include "server/gateway.h"
#include "tests/support/subprocess.h"
#include "tests/unit/client/fake_clock.h"
#include "tests/unit/client/temp_dir.h"
#include "tools/ghl-sandbox/sandbox.h"

namespace ghl::client::ghlctl {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr char kLocation[] = "ve9EPM428h8vShlRW1KT";
// Test-only credential of the in-process sandbox (not a secret of any account).
constexpr char kToken[] = "pit-ghlctl-groups-test";

// The first record of a demo dataset file, as JSON.
rapidjson::Document FirstRecord(const std::string& file) {
  std::ifstream in(ghl::testing::SharedDir() + "/data/location-demo/" + file);
  std::string line;
  std::getline(in, line);
  rapidjson::Document doc;
  doc.Parse(line.c_str());
  return doc;
}

class GhlctlGroupsSandboxTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ghl::sandbox::SandboxOptions options;
    options.data_dir = ghl::testing::SharedDir() + "/data/location-demo";
    options.tokens = {{kToken, kLocation, {"contacts.readonly", "contacts.write"}}};
    sandbox_ = new ghl::sandbox::Sandbox(options);
    absl::Status started = sandbox_->Start();
    ASSERT_TRUE(started.ok()) << started;
    ghl::server::GatewayConfig config;
    config.listen = "127.0.0.1:0";
    config.upstream = absl::StrCat("http://127.0.0.1:", sandbox_->port());
    config.workers = 2;
    config.tokens = {{kLocation, kToken}};
    absl::StatusOr<std::unique_ptr<ghl::server::Gateway>> gateway = ghl::server::Gateway::Start(config);
    ASSERT_TRUE(gateway.ok()) << gateway.status();
    gateway_ = gateway->release();
  }
  static void TearDownTestSuite() {
    if (gateway_ != nullptr) gateway_->Shutdown(absl::Seconds(2));
    delete gateway_;
    gateway_ = nullptr;
    delete sandbox_;
    sandbox_ = nullptr;
  }

  void SetUp() override {
    ASSERT_NE(gateway_, nullptr);
    options_.clock = std::make_shared<testing::FakeClock>();
    options_.env = [](const std::string&) { return std::nullopt; };
  }

  // Runs ghlctl against the in-process gateway; returns the exit code.
  int Run(std::vector<std::string> args) {
    out_.str("");
    err_.str("");
    args.insert(args.begin(), {"--gateway", gateway_->address()});
    Console console{&in_, &out_, &err_, false};
    return ghlctl::Run(args, console, options_);
  }
  // Runs and expects success; returns stdout parsed as JSON.
  rapidjson::Document RunJson(const std::vector<std::string>& args) {
    EXPECT_EQ(Run(args), kExitOk) << ::testing::PrintToString(args) << "\n" << err_.str();
    rapidjson::Document doc;
    doc.Parse(out_.str().c_str());
    EXPECT_FALSE(doc.HasParseError()) << out_.str();
    return doc;
  }

  static ghl::sandbox::Sandbox* sandbox_;
  static ghl::server::Gateway* gateway_;
  RunOptions options_;
  std::istringstream in_;
  std::ostringstream out_;
  std::ostringstream err_;
};

ghl::sandbox::Sandbox* GhlctlGroupsSandboxTest::sandbox_ = nullptr;
ghl::server::Gateway* GhlctlGroupsSandboxTest::gateway_ = nullptr;

TEST_F(GhlctlGroupsSandboxTest, TasksLifecycle) {
  const rapidjson::Document first = FirstRecord("tasks.jsonl");
  const std::string contact = first["contactId"].GetString();
  rapidjson::Document listed = RunJson({"tasks", "list", "--location", kLocation, "--contact", contact});
  ASSERT_TRUE(listed["tasks"].IsArray());
  ASSERT_GE(listed["tasks"].Size(), 1u);
  EXPECT_STREQ(listed["tasks"][0]["id"].GetString(), first["id"].GetString());
  EXPECT_STREQ(listed["tasks"][0]["title"].GetString(), first["title"].GetString());

  rapidjson::Document created = RunJson({"tasks", "create", "--location", kLocation, "--contact", contact, "--title",
                                         "Call back", "--due", "2030-05-01T15:00:00Z", "--body", "about the quote"});
  const std::string task = created["id"].GetString();
  EXPECT_STREQ(created["dueDate"].GetString(), "2030-05-01T15:00:00.000Z");
  rapidjson::Document updated = RunJson(
      {"tasks", "update", "--location", kLocation, "--contact", contact, "--task", task, "--title", "Call back now"});
  EXPECT_STREQ(updated["title"].GetString(), "Call back now");
  rapidjson::Document completed =
      RunJson({"tasks", "complete", "--location", kLocation, "--contact", contact, "--task", task});
  EXPECT_TRUE(completed["completed"].GetBool());
  rapidjson::Document got = RunJson({"tasks", "get", "--location", kLocation, "--contact", contact, "--task", task});
  EXPECT_STREQ(got["title"].GetString(), "Call back now");
  EXPECT_TRUE(got["completed"].GetBool());
  ASSERT_EQ(Run({"tasks", "delete", "--location", kLocation, "--contact", contact, "--task", task}), kExitOk);
  EXPECT_EQ(out_.str(), "deleted task " + task + "\n");
  EXPECT_EQ(Run({"tasks", "get", "--location", kLocation, "--contact", contact, "--task", task}), kExitRpcError);
  EXPECT_THAT(err_.str(), StartsWith("error: NOT_FOUND: "));
}

TEST_F(GhlctlGroupsSandboxTest, NotesLifecycle) {
  const rapidjson::Document first = FirstRecord("notes.jsonl");
  const std::string contact = first["contactId"].GetString();
  rapidjson::Document listed = RunJson({"notes", "list", "--location", kLocation, "--contact", contact});
  ASSERT_GE(listed["notes"].Size(), 1u);
  rapidjson::Document created =
      RunJson({"notes", "create", "--location", kLocation, "--contact", contact, "--body", "Met at the fair, 2nd day"});
  const std::string note = created["id"].GetString();
  EXPECT_STREQ(created["body"].GetString(), "Met at the fair, 2nd day");
  rapidjson::Document updated =
      RunJson({"notes", "update", "--location", kLocation, "--contact", contact, "--note", note, "--body", "Edited"});
  EXPECT_STREQ(updated["body"].GetString(), "Edited");
  rapidjson::Document got = RunJson({"notes", "get", "--location", kLocation, "--contact", contact, "--note", note});
  EXPECT_STREQ(got["body"].GetString(), "Edited");
  ASSERT_EQ(Run({"notes", "delete", "--location", kLocation, "--contact", contact, "--note", note}), kExitOk);
  EXPECT_EQ(out_.str(), "deleted note " + note + "\n");
}

TEST_F(GhlctlGroupsSandboxTest, AppointmentsStreamAsJsonl) {
  const rapidjson::Document first = FirstRecord("appointments.jsonl");
  const std::string contact = first["contactId"].GetString();
  ASSERT_EQ(Run({"appointments", "list", "--location", kLocation, "--contact", contact}), kExitOk) << err_.str();
  std::vector<std::string> lines = absl::StrSplit(out_.str(), '\n', absl::SkipEmpty());
  ASSERT_GE(lines.size(), 1u);
  bool found = false;
  for (const std::string& line : lines) {
    rapidjson::Document doc;
    doc.Parse(line.c_str());
    ASSERT_FALSE(doc.HasParseError()) << line;
    found = found || std::string(doc["id"].GetString()) == first["id"].GetString();
  }
  EXPECT_TRUE(found);
  EXPECT_EQ(err_.str(), absl::StrCat("listed ", lines.size(), " appointments\n"));
}

TEST_F(GhlctlGroupsSandboxTest, TagsAddRemoveBulk) {
  const rapidjson::Document first = FirstRecord("contacts.jsonl");
  const std::string contact = first["id"].GetString();
  rapidjson::Document added =
      RunJson({"tags", "add", "--location", kLocation, "--contact", contact, "--tag", "vip, gold", "--tag", "lead"});
  std::vector<std::string> tags;
  for (const auto& tag : added["tags"].GetArray()) tags.push_back(tag.GetString());
  EXPECT_THAT(tags, ::testing::IsSupersetOf({"vip, gold", "lead"}));
  rapidjson::Document removed =
      RunJson({"tags", "remove", "--location", kLocation, "--contact", contact, "--tag", "lead"});
  tags.clear();
  for (const auto& tag : removed["tags"].GetArray()) tags.push_back(tag.GetString());
  EXPECT_THAT(tags, ::testing::Contains("vip, gold"));
  EXPECT_THAT(tags, ::testing::Not(::testing::Contains("lead")));
  rapidjson::Document bulk = RunJson(
      {"tags", "bulk", "--location", kLocation, "--type", "add", "--contact", contact, "--tag", "bulk-tag"});
  EXPECT_TRUE(bulk["succeded"].GetBool());

  // The tag (comma included) is searchable as one value.
  ASSERT_EQ(Run({"search", "--location", kLocation, "--filter", "tags:eq:vip, gold", "--fields", "tags"}), kExitOk)
      << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr(absl::StrCat("\"id\":\"", contact, "\"")));
  EXPECT_THAT(err_.str(), HasSubstr("to stdout"));
}

TEST_F(GhlctlGroupsSandboxTest, SearchWritesEveryMatchToAFile) {
  testing::TempDir dir;
  const std::string out = dir.path() + "/search.jsonl";
  ASSERT_EQ(Run({"search", "--location", kLocation, "--filter", "email:exists", "--sort", "dateAdded:desc",
                 "--page-size", "500", "--out", out}),
            kExitOk)
      << err_.str();
  EXPECT_THAT(out_.str(), StartsWith("exported "));
  EXPECT_THAT(out_.str(), HasSubstr(" to " + out));
  std::ifstream in(out);
  int lines = 0;
  std::string previous = "9999";
  for (std::string line; std::getline(in, line);) {
    rapidjson::Document doc;
    doc.Parse(line.c_str());
    ASSERT_FALSE(doc.HasParseError());
    ASSERT_TRUE(doc.HasMember("email"));
    const std::string added = doc["dateAdded"].GetString();
    EXPECT_LE(added, previous);
    previous = added;
    ++lines;
  }
  EXPECT_GT(lines, 100);
  EXPECT_THAT(out_.str(), HasSubstr(absl::StrCat("exported ", lines, " contacts")));
}

TEST_F(GhlctlGroupsSandboxTest, UpsertCreatesThenMatchesAndDuplicateFindsIt) {
  rapidjson::Document created =
      RunJson({"upsert", "--location", kLocation, "--email", "ghlctl-upsert@example.com", "--first-name", "Ada"});
  EXPECT_TRUE(created["new"].GetBool());
  const std::string id = created["contact"]["id"].GetString();
  rapidjson::Document updated =
      RunJson({"upsert", "--location", kLocation, "--email", "ghlctl-upsert@example.com", "--last-name", "Lovelace"});
  EXPECT_FALSE(updated["new"].GetBool());
  EXPECT_STREQ(updated["matchedContactId"].GetString(), id.c_str());
  EXPECT_STREQ(updated["contact"]["lastName"].GetString(), "Lovelace");

  rapidjson::Document duplicate =
      RunJson({"duplicate", "--location", kLocation, "--email", "ghlctl-upsert@example.com"});
  EXPECT_STREQ(duplicate["contact"]["id"].GetString(), id.c_str());
  rapidjson::Document none = RunJson({"duplicate", "--location", kLocation, "--email", "nobody-x@example.com"});
  EXPECT_TRUE(none["contact"].IsNull());
}

TEST_F(GhlctlGroupsSandboxTest, BusinessListAndBulkMoves) {
  // A business of the demo data and a contact outside it.
  std::ifstream in(ghl::testing::SharedDir() + "/data/location-demo/contacts.jsonl");
  std::string business;
  std::string outsider;
  for (std::string line; std::getline(in, line) && (business.empty() || outsider.empty());) {
    rapidjson::Document doc;
    doc.Parse(line.c_str());
    if (doc.HasMember("businessId") && doc["businessId"].IsString()) {
      if (business.empty()) business = doc["businessId"].GetString();
    } else if (outsider.empty()) {
      outsider = doc["id"].GetString();
    }
  }
  ASSERT_FALSE(business.empty());
  ASSERT_FALSE(outsider.empty());
  ASSERT_EQ(Run({"business", "list", "--location", kLocation, "--business", business}), kExitOk) << err_.str();
  const size_t before = std::vector<std::string>(absl::StrSplit(out_.str(), '\n', absl::SkipEmpty())).size();
  EXPECT_GE(before, 1u);
  EXPECT_THAT(out_.str(), ::testing::Not(HasSubstr(outsider)));

  ASSERT_EQ(Run({"business", "bulk-add", "--location", kLocation, "--business", business, "--contact", outsider}),
            kExitOk)
      << err_.str();
  EXPECT_EQ(out_.str(), absl::StrCat("added to business ", business, ": ", outsider, "\n"));
  ASSERT_EQ(Run({"business", "list", "--location", kLocation, "--business", business}), kExitOk);
  EXPECT_THAT(out_.str(), HasSubstr(outsider));
  ASSERT_EQ(Run({"business", "bulk-remove", "--location", kLocation, "--contact", outsider}), kExitOk) << err_.str();
  ASSERT_EQ(Run({"business", "list", "--location", kLocation, "--business", business}), kExitOk);
  EXPECT_THAT(out_.str(), ::testing::Not(HasSubstr(outsider)));
}

TEST_F(GhlctlGroupsSandboxTest, FollowersCampaignsWorkflows) {
  const rapidjson::Document first = FirstRecord("contacts.jsonl");
  const std::string contact = first["id"].GetString();
  rapidjson::Document added = RunJson(
      {"followers", "add", "--location", kLocation, "--contact", contact, "--follower", "userA", "--follower", "userB"});
  ASSERT_TRUE(added["followersAdded"].IsArray());
  EXPECT_EQ(added["followersAdded"].Size(), 2u);
  rapidjson::Document removed =
      RunJson({"followers", "remove", "--location", kLocation, "--contact", contact, "--follower", "userA"});
  ASSERT_TRUE(removed["followersRemoved"].IsArray());
  EXPECT_STREQ(removed["followersRemoved"][0].GetString(), "userA");

  ASSERT_EQ(Run({"campaigns", "add", "--location", kLocation, "--contact", contact, "--campaign", "camp1"}), kExitOk)
      << err_.str();
  EXPECT_EQ(out_.str(), absl::StrCat("added contact ", contact, " to campaign camp1\n"));
  ASSERT_EQ(Run({"campaigns", "remove", "--location", kLocation, "--contact", contact, "--campaign", "camp1"}),
            kExitOk)
      << err_.str();
  ASSERT_EQ(Run({"campaigns", "remove-all", "--location", kLocation, "--contact", contact}), kExitOk) << err_.str();
  EXPECT_EQ(out_.str(), absl::StrCat("removed contact ", contact, " from every campaign\n"));
  ASSERT_EQ(Run({"workflows", "add", "--location", kLocation, "--contact", contact, "--workflow", "wf1",
                 "--event-start-time", "2030-01-01T00:00:00Z"}),
            kExitOk)
      << err_.str();
  EXPECT_EQ(out_.str(), absl::StrCat("added contact ", contact, " to workflow wf1\n"));
  ASSERT_EQ(Run({"workflows", "remove", "--location", kLocation, "--contact", contact, "--workflow", "wf1"}), kExitOk)
      << err_.str();
}

TEST_F(GhlctlGroupsSandboxTest, GatewayErrorsAreReported) {
  EXPECT_EQ(Run({"tasks", "list", "--location", kLocation, "--contact", "no-such-contact-0000"}), kExitRpcError);
  EXPECT_THAT(err_.str(), StartsWith("error: "));
  EXPECT_EQ(Run({"notes", "list", "--location", "UNKNOWNLOCATION00000", "--contact", "x"}), kExitRpcError);
  EXPECT_THAT(err_.str(), StartsWith("error: "));
}

}  // namespace
}  // namespace ghl::client::ghlctl
