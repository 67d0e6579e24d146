#include "client/ghlctl/commands.h"

#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "absl/strings/str_split.h"
#include "adapters/ghl/contacts/contact_mapping.h"
#include "client/csv_writer.h"
#include "tests/support/shared_dir.h"
#include "tests/unit/client/csv_reader.h"
#include "tests/unit/client/fake_clock.h"
#include "tests/unit/client/fake_contacts_service.h"
#include "tests/unit/client/status_matchers.h"
#include "tests/unit/client/temp_dir.h"

namespace ghl::client::ghlctl {
namespace {

using ::ghl::client::testing::FakeClock;
using ::ghl::client::testing::FakeContactsService;
using ::ghl::client::testing::MakeContacts;
using ::ghl::client::testing::ParseCsv;
using ::ghl::client::testing::ReadFile;
using ::ghl::client::testing::TempDir;
using ::ghl::client::testing::TestServer;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::StartsWith;
namespace v1 = ::ghl::contacts::v1;

// The demo location (5,000 contacts shaped like GHL's), read from ../shared/data.
std::vector<std::string> DemoContactLines() {
  std::ifstream in(::ghl::testing::DemoDir() + "/contacts.jsonl");
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

class GhlctlTest : public ::testing::Test {
 protected:
  GhlctlTest() : server_(&service_), clock_(std::make_shared<FakeClock>()) {
    options_.clock = clock_;
    options_.env = [this](const std::string& name) -> std::optional<std::string> {
      auto it = env_.find(name);
      if (it == env_.end()) return std::nullopt;
      return it->second;
    };
  }

  // Runs ghlctl against the fake gateway (unless args name another).
  int Run(std::vector<std::string> args) {
    out_.str("");
    err_.str("");
    if (env_.count("GHL_GATEWAY") == 0) args.insert(args.begin(), {"--gateway", server_.address()});
    Console console{&in_, &out_, &err_, tty_};
    return ghlctl::Run(args, console, options_);
  }

  FakeContactsService service_;
  TestServer server_;
  std::shared_ptr<FakeClock> clock_;
  RunOptions options_;
  std::map<std::string, std::string> env_;
  std::istringstream in_;
  std::ostringstream out_;
  std::ostringstream err_;
  bool tty_ = false;
  TempDir dir_;
};

TEST_F(GhlctlTest, HelpGoesToStdoutAndExitsZero) {
  EXPECT_EQ(Run({"--help"}), kExitOk);
  EXPECT_THAT(out_.str(), HasSubstr("Usage: ghlctl [global flags] <command>"));
  EXPECT_EQ(Run({"update", "--help"}), kExitOk);
  EXPECT_THAT(out_.str(), HasSubstr("--clear FIELD"));
  EXPECT_THAT(err_.str(), IsEmpty());
}

TEST_F(GhlctlTest, UsageErrorsExitTwo) {
  EXPECT_EQ(Run({"get", "--location", "L", "--id", "C", "--wat"}), kExitUsage);
  EXPECT_THAT(err_.str(), StartsWith("error: INVALID_ARGUMENT: unknown flag '--wat' for 'ghlctl get'\n"));
  EXPECT_THAT(out_.str(), IsEmpty());
  EXPECT_EQ(Run({"nope"}), kExitUsage);
  EXPECT_TRUE(service_.get_requests().empty());
}

TEST_F(GhlctlTest, GetPrintsPrettyGhlJson) {
  std::vector<v1::Contact> contacts = MakeContacts(2);
  contacts[1].set_last_name("見込み客");
  service_.SetContacts(contacts);
  ASSERT_EQ(Run({"get", "--location", "loc1", "--id", "c0002", "--fields", "firstName,lastName"}), kExitOk)
      << err_.str();
  rapidjson::Document doc;
  doc.Parse(out_.str().c_str());
  ASSERT_FALSE(doc.HasParseError()) << out_.str();
  EXPECT_STREQ(doc["firstName"].GetString(), "First2");
  EXPECT_THAT(out_.str(), HasSubstr("\n  \"lastName\": \"見込み客\""));
  ASSERT_EQ(service_.get_requests().size(), 1u);
  EXPECT_EQ(service_.get_requests()[0].location_id(), "loc1");
  EXPECT_THAT(service_.get_requests()[0].read_mask().paths(), ElementsAre("first_name", "last_name"));
}

TEST_F(GhlctlTest, RpcErrorsPrintCodeAndMessageAndExitOne) {
  EXPECT_EQ(Run({"get", "--location", "loc1", "--id", "missing"}), kExitRpcError);
  EXPECT_EQ(err_.str(), "error: NOT_FOUND: contact missing not found\n");
  EXPECT_THAT(out_.str(), IsEmpty());
  service_.SetUnaryError(
      grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "contact.email: invalid email (GHL traceId 4f2a)"));
  EXPECT_EQ(Run({"delete", "--location", "loc1", "--id", "c1"}), kExitRpcError);
  EXPECT_EQ(err_.str(), "error: INVALID_ARGUMENT: contact.email: invalid email (GHL traceId 4f2a)\n");
}

TEST_F(GhlctlTest, UnreachableGatewayIsUnavailable) {
  env_["GHL_GATEWAY"] = "127.0.0.1:1";
  EXPECT_EQ(Run({"get", "--location", "loc1", "--id", "c1", "--timeout", "5s"}), kExitRpcError);
  EXPECT_THAT(err_.str(), StartsWith("error: UNAVAILABLE: "));
}

TEST_F(GhlctlTest, GatewayFromEnvironment) {
  env_["GHL_GATEWAY"] = server_.address();
  service_.SetContacts(MakeContacts(1));
  EXPECT_EQ(Run({"get", "--location", "loc1", "--id", "c0001"}), kExitOk) << err_.str();
}

TEST_F(GhlctlTest, CreateSendsTheFieldsAndPrintsTheContact) {
  v1::Contact created;
  created.set_id("new1");
  created.set_first_name("Zoë");
  service_.SetWriteResponse(created);
  ASSERT_EQ(Run({"create", "--location", "loc1", "--first-name", "Zoë", "--tag", "a, b", "--field",
                 "contact.industry=Health"}),
            kExitOk)
      << err_.str();
  ASSERT_EQ(service_.create_requests().size(), 1u);
  const v1::CreateContactRequest request = service_.create_requests()[0];
  EXPECT_EQ(request.location_id(), "loc1");
  EXPECT_EQ(request.contact().first_name(), "Zoë");
  EXPECT_THAT(request.contact().tags(), ElementsAre("a, b"));
  EXPECT_EQ(request.contact().custom_fields(0).key(), "contact.industry");
  EXPECT_THAT(out_.str(), HasSubstr("\"id\": \"new1\""));
}

TEST_F(GhlctlTest, UpdateSendsExactlyTheMask) {
  ASSERT_EQ(Run({"update", "--location", "loc1", "--id", "c9", "--phone", "+33612345678", "--clear", "website"}),
            kExitOk)
      << err_.str();
  ASSERT_EQ(service_.update_requests().size(), 1u);
  const v1::UpdateContactRequest request = service_.update_requests()[0];
  EXPECT_EQ(request.contact().id(), "c9");
  EXPECT_EQ(request.contact().phone(), "+33612345678");
  EXPECT_FALSE(request.contact().has_website());
  EXPECT_THAT(request.update_mask().paths(), ElementsAre("phone", "website"));
}

TEST_F(GhlctlTest, DeletePrintsAConfirmation) {
  ASSERT_EQ(Run({"delete", "--location", "loc1", "--id", "c9"}), kExitOk);
  EXPECT_EQ(out_.str(), "deleted contact c9\n");
  ASSERT_EQ(service_.delete_requests().size(), 1u);
  EXPECT_EQ(service_.delete_requests()[0].contact_id(), "c9");
}

// The demo location through the whole path: fake gateway pages -> client ->
// JSONL. 50 pages of 100, 64 ms each on the fake clock: exactly the brief's
// summary line. A break mid-way is resumed without loss or duplicates.
TEST_F(GhlctlTest, ExportJsonlOfTheDemoLocation) {
  const std::vector<std::string> lines = DemoContactLines();
  ASSERT_EQ(lines.size(), 5000u);
  std::vector<v1::Contact> contacts;
  for (const std::string& line : lines) {
    absl::StatusOr<v1::Contact> contact = ghl::contacts::ContactFromJsonString(line);
    ASSERT_TRUE(contact.ok()) << contact.status();
    contacts.push_back(*contact);
  }
  service_.SetContacts(contacts);
  service_.SetPageHook([this] { clock_->Advance(absl::Milliseconds(64)); });
  service_.SetBreaks({FakeContactsService::Break{17, grpc::Status(grpc::StatusCode::UNAVAILABLE, "reset")}});
  // The backoff sleep advances the fake clock too; start it so the total is 3.2 s.
  options_.export_retry.initial_backoff = absl::ZeroDuration();

  const std::string path = dir_.File("contacts.jsonl");
  ASSERT_EQ(Run({"export", "--location", "ve9EPM428h8vShlRW1KT", "--format", "jsonl", "--out", path}), kExitOk)
      << err_.str();
  EXPECT_EQ(out_.str(), "exported 5000 contacts in 50 pages in 3.2 s (1562 contacts/s) to " + path + "\n");
  EXPECT_THAT(dir_.Files(), ElementsAre("contacts.jsonl"));

  const std::string text = ReadFile(path);
  std::vector<std::string> written = absl::StrSplit(text, '\n');
  ASSERT_EQ(written.size(), 5001u);
  written.pop_back();
  for (size_t i = 0; i < lines.size(); ++i) {
    // Each line is the contact exactly as GHL's JSON: same document as the source line.
    rapidjson::Document want;
    rapidjson::Document got;
    want.Parse(lines[i].c_str());
    got.Parse(written[i].c_str());
    ASSERT_FALSE(got.HasParseError()) << written[i];
    EXPECT_TRUE(got == want) << "line " << i << "\n got: " << written[i] << "\nwant: " << lines[i];
    if (got != want) break;
  }
  ASSERT_EQ(service_.list_requests().size(), 2u);
  EXPECT_EQ(service_.list_requests()[1].resume_token(), "after:17");
}

TEST_F(GhlctlTest, ExportCsvOfTheDemoLocation) {
  std::vector<v1::Contact> contacts;
  for (const std::string& line : DemoContactLines()) contacts.push_back(*ghl::contacts::ContactFromJsonString(line));
  ASSERT_EQ(contacts.size(), 5000u);
  service_.SetContacts(contacts);
  const std::string path = dir_.File("contacts.csv");
  ASSERT_EQ(Run({"export", "--location", "ve9EPM428h8vShlRW1KT", "--out", path, "--page-size", "100"}), kExitOk)
      << err_.str();
  EXPECT_THAT(out_.str(), StartsWith("exported 5000 contacts in 50 pages in "));
  const std::string text = ReadFile(path);
  ASSERT_EQ(text.substr(0, 3), "\xEF\xBB\xBF");
  const auto rows = ParseCsv(text.substr(3));
  ASSERT_EQ(rows.size(), 5001u);
  const std::vector<std::string>& header = rows[0];
  // The demo location has 7 custom fields.
  EXPECT_EQ(header.size(), CsvFixedColumns().size() + 7);
  const size_t tags = std::find(header.begin(), header.end(), "tags") - header.begin();
  for (size_t i = 0; i < contacts.size(); ++i) {
    ASSERT_EQ(rows[i + 1].size(), header.size()) << "row " << i;
    EXPECT_EQ(rows[i + 1][0], contacts[i].id());
    std::vector<std::string> want(contacts[i].tags().begin(), contacts[i].tags().end());
    EXPECT_EQ(SplitMultiValue(rows[i + 1][tags]), want) << "row " << i;
  }
}

TEST_F(GhlctlTest, ExportShowsABarOnATerminal) {
  tty_ = true;
  service_.SetContacts(MakeContacts(30));
  service_.SetPageHook([this] { clock_->Advance(absl::Seconds(1)); });
  ASSERT_EQ(Run({"export", "--location", "loc1", "--out", dir_.File("x.jsonl"), "--page-size", "10"}), kExitOk);
  // The fake gateway may run ahead of the client, so which counts get drawn
  // varies; the shape does not.
  EXPECT_THAT(err_.str(), StartsWith("\r["));
  EXPECT_THAT(err_.str(), HasSubstr("/30  "));
  EXPECT_THAT(err_.str(), ::testing::EndsWith("\r\x1b[K"));
  EXPECT_THAT(err_.str(), ::testing::Not(HasSubstr("\n")));
  EXPECT_EQ(out_.str(), "exported 30 contacts in 3 pages in 3.0 s (10 contacts/s) to " + dir_.File("x.jsonl") + "\n");
}

TEST_F(GhlctlTest, ExportNotOnATerminalLogsPlainLines) {
  service_.SetContacts(MakeContacts(30));
  service_.SetPageHook([this] { clock_->Advance(absl::Seconds(6)); });
  ASSERT_EQ(Run({"export", "--location", "loc1", "--out", dir_.File("x.jsonl"), "--page-size", "10"}), kExitOk);
  // 18 s in all with a 10 s interval: at least one line (which count it
  // shows depends on how far the fake gateway ran ahead).
  EXPECT_THAT(err_.str(), StartsWith("progress: "));
  EXPECT_THAT(err_.str(), HasSubstr("/30 contacts ("));
  EXPECT_THAT(err_.str(), ::testing::EndsWith("\n"));
  EXPECT_THAT(err_.str(), ::testing::Not(HasSubstr("\r")));
}

TEST_F(GhlctlTest, ExportFailureLeavesNoFileAndExitsOne) {
  service_.SetContacts(MakeContacts(30));
  service_.SetBreaks({FakeContactsService::Break{1, grpc::Status(grpc::StatusCode::PERMISSION_DENIED, "no scope")}});
  EXPECT_EQ(Run({"export", "--location", "loc1", "--out", dir_.File("x.csv"), "--page-size", "10"}), kExitRpcError);
  EXPECT_THAT(err_.str(), HasSubstr("error: PERMISSION_DENIED: no scope (export stopped after 10 contacts in 1 pages"));
  EXPECT_THAT(out_.str(), IsEmpty());
  EXPECT_TRUE(dir_.Files().empty());
}

std::vector<std::string> JsonlIds(const std::string& text) {
  std::vector<std::string> ids;
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    rapidjson::Document d;
    d.Parse(line.data(), line.size());
    EXPECT_FALSE(d.HasParseError()) << line;
    if (!d.HasParseError()) ids.push_back(d["id"].GetString());
  }
  return ids;
}

TEST_F(GhlctlTest, AFailedJsonlExportKeepsAResumablePartialFile) {
  service_.SetContacts(MakeContacts(30));
  service_.SetBreaks({FakeContactsService::Break{2, grpc::Status(grpc::StatusCode::PERMISSION_DENIED, "gone")}});
  const std::string out = dir_.File("x.jsonl");
  const std::vector<std::string> flags = {"export", "--location", "loc1", "--out", out, "--page-size", "10"};
  EXPECT_EQ(Run(flags), kExitRpcError);
  EXPECT_THAT(err_.str(), HasSubstr("20 contacts are saved in " + out + ".partial; run the same command with --resume"));
  EXPECT_EQ(JsonlIds(ReadFile(out + ".partial")).size(), 20u);
  // A kill in the middle of page 3 leaves bytes the checkpoint does not
  // vouch for: --resume drops them.
  {
    std::ofstream partial(out + ".partial", std::ios::app);
    partial << R"({"id":"half-written)";
  }
  std::vector<std::string> resume = flags;
  resume.push_back("--resume");
  ASSERT_EQ(Run(resume), kExitOk) << err_.str();
  EXPECT_THAT(out_.str(), StartsWith("exported 30 contacts in 3 pages"));
  const std::vector<std::string> ids = JsonlIds(ReadFile(out));
  std::vector<std::string> want;
  for (const auto& c : MakeContacts(30)) want.push_back(c.id());
  EXPECT_EQ(ids, want);
  EXPECT_EQ(dir_.Files(), std::vector<std::string>{"x.jsonl"});
  // The resumed call continued after page 2.
  ASSERT_EQ(service_.list_requests().size(), 2u);
  EXPECT_EQ(service_.list_requests()[1].resume_token(), "after:2");
}

TEST_F(GhlctlTest, ResumeRefusesAnotherListingOrNothingToResume) {
  const std::string out = dir_.File("y.jsonl");
  EXPECT_EQ(Run({"export", "--location", "loc1", "--out", out, "--resume"}), kExitLocalError);
  EXPECT_THAT(err_.str(), HasSubstr("--resume: no interrupted export to " + out));
  service_.SetContacts(MakeContacts(30));
  service_.SetBreaks({FakeContactsService::Break{1, grpc::Status(grpc::StatusCode::PERMISSION_DENIED, "gone")}});
  EXPECT_EQ(Run({"export", "--location", "loc1", "--out", out, "--page-size", "10"}), kExitRpcError);
  EXPECT_EQ(Run({"export", "--location", "loc2", "--out", out, "--page-size", "10", "--resume"}), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("was for --location loc1"));
  EXPECT_EQ(Run({"export", "--location", "loc1", "--out", dir_.File("y.csv"), "--resume"}), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("--resume continues JSONL exports only"));
}

TEST_F(GhlctlTest, UnwritableOutputIsALocalError) {
  service_.SetContacts(MakeContacts(3));
  EXPECT_EQ(Run({"export", "--location", "loc1", "--out", dir_.File("missing/x.jsonl")}), kExitLocalError);
  EXPECT_THAT(err_.str(), StartsWith("error: NOT_FOUND: cannot create"));
  EXPECT_TRUE(service_.list_requests().empty());
}

}  // namespace
}  // namespace ghl::client::ghlctl
