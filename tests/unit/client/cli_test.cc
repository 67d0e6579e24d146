#include "client/ghlctl/cli.h"

#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/unit/client/status_matchers.h"
#include "tests/unit/client/temp_dir.h"

namespace ghl::client::ghlctl {
namespace {

using ::ghl::client::testing::IsOk;
using ::ghl::client::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
namespace v1 = ::ghl::contacts::v1;

class ParseArgsTest : public ::testing::Test {
 protected:
  absl::StatusOr<Invocation> Parse(const std::vector<std::string>& args) {
    return ParseArgs(
        args,
        [this](const std::string& name) -> std::optional<std::string> {
          auto it = env_.find(name);
          if (it == env_.end()) return std::nullopt;
          return it->second;
        },
        stdin_);
  }
  // Expects a usage error whose message contains `text`.
  void ExpectUsage(const std::vector<std::string>& args, const std::string& text) {
    EXPECT_THAT(Parse(args), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(text)))
        << ::testing::PrintToString(args);
  }

  std::map<std::string, std::string> env_;
  std::istringstream stdin_;
};

TEST_F(ParseArgsTest, Help) {
  for (const auto& args : std::vector<std::vector<std::string>>{{"--help"}, {"-h"}, {"help"}}) {
    absl::StatusOr<Invocation> parsed = Parse(args);
    ASSERT_THAT(parsed, IsOk());
    EXPECT_EQ(parsed->command, Command::kHelp);
    EXPECT_FALSE(parsed->help_for.has_value());
  }
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"export", "--help"}, {"help", "export"}, {"--help", "export"}, {"export", "--out", "x", "-h"}}) {
    absl::StatusOr<Invocation> parsed = Parse(args);
    ASSERT_THAT(parsed, IsOk()) << ::testing::PrintToString(args);
    EXPECT_EQ(parsed->command, Command::kHelp);
    EXPECT_EQ(parsed->help_for, Command::kExport);
  }
  for (Command c : {Command::kGet, Command::kExport, Command::kCreate, Command::kUpdate, Command::kDelete}) {
    EXPECT_THAT(CommandUsage(c), HasSubstr("Usage: ghlctl " + CommandName(c)));
  }
  EXPECT_THAT(GeneralUsage(), HasSubstr("--gateway"));
  // Every setting with its default, the environment-only ones included.
  for (const char* setting : {"--timeout DURATION", "default 30s", "GHL_GATEWAY ", "GHL_API_KEY",
                              "GHL_GATEWAY_TLS ", "GHL_GATEWAY_TLS_CA", "default 127.0.0.1:50051"}) {
    EXPECT_THAT(GeneralUsage(), HasSubstr(setting));
  }
}

TEST_F(ParseArgsTest, UsageErrors) {
  ExpectUsage({}, "no command given");
  ExpectUsage({"frobnicate"}, "unknown command 'frobnicate'");
  ExpectUsage({"get", "--location", "L", "--id", "C", "--bogus", "x"}, "unknown flag '--bogus' for 'ghlctl get'");
  ExpectUsage({"get", "--location", "L", "--id", "C", "-x"}, "unknown flag '-x'");
  ExpectUsage({"--location", "L", "get", "--id", "C"}, "--location must come after the command");
  ExpectUsage({"get", "--location", "L", "--id", "C", "stray"}, "unexpected argument 'stray'");
  ExpectUsage({"get", "--location", "L"}, "--id is required");
  ExpectUsage({"get", "--id", "C"}, "--location is required");
  ExpectUsage({"get", "--location", "L", "--id"}, "--id needs a value");
  ExpectUsage({"get", "--location", "L", "--location", "M", "--id", "C"}, "--location given more than once");
  ExpectUsage({"get", "--location", "L", "--id", "C", "--fields", "firstName,bogus"}, "unknown contact field 'bogus'");
  ExpectUsage({"get", "--location", "L", "--id", "C", "--timeout", "soon"}, "--timeout");
  ExpectUsage({"get", "--location", "L", "--id", "C", "--timeout", "-1s"}, "positive");
  ExpectUsage({"delete", "--location", "L", "--id", "C", "--email", "x"}, "unknown flag '--email'");
  ExpectUsage({"export", "--location", "L", "--id", "C", "--out", "x.csv"}, "unknown flag '--id'");
}

TEST_F(ParseArgsTest, GatewayFromFlagEnvOrDefault) {
  absl::StatusOr<Invocation> parsed = Parse({"get", "--location", "L", "--id", "C"});
  ASSERT_THAT(parsed, IsOk());
  EXPECT_EQ(parsed->gateway, "127.0.0.1:50051");
  EXPECT_EQ(parsed->timeout, absl::Seconds(30));

  env_["GHL_GATEWAY"] = "gw.internal:6000";
  parsed = Parse({"get", "--location", "L", "--id", "C"});
  ASSERT_THAT(parsed, IsOk());
  EXPECT_EQ(parsed->gateway, "gw.internal:6000");

  // The flag wins, before or after the command, with = or a space.
  parsed = Parse({"--gateway=localhost:7000", "get", "--location", "L", "--id", "C", "--timeout", "2.5"});
  ASSERT_THAT(parsed, IsOk());
  EXPECT_EQ(parsed->gateway, "localhost:7000");
  EXPECT_EQ(parsed->timeout, absl::Milliseconds(2500));
  parsed = Parse({"get", "--location=L", "--id=C", "--gateway", "h:1", "--timeout=500ms"});
  ASSERT_THAT(parsed, IsOk());
  EXPECT_EQ(parsed->gateway, "h:1");
  EXPECT_EQ(parsed->timeout, absl::Milliseconds(500));
}

TEST_F(ParseArgsTest, GetWithFields) {
  absl::StatusOr<Invocation> parsed =
      Parse({"get", "--location", "L", "--id", "C", "--fields", "firstName, email,custom_fields,date-of-birth"});
  ASSERT_THAT(parsed, IsOk());
  EXPECT_EQ(parsed->command, Command::kGet);
  EXPECT_EQ(parsed->location_id, "L");
  EXPECT_EQ(parsed->contact_id, "C");
  EXPECT_THAT(parsed->read_mask, ElementsAre("first_name", "email", "custom_fields", "date_of_birth"));
}

TEST_F(ParseArgsTest, Export) {
  absl::StatusOr<Invocation> parsed = Parse({"export", "--location", "L", "--format", "csv", "--out", "out.txt",
                                             "--page-size", "50", "--query", "smith, john", "--no-bom"});
  ASSERT_THAT(parsed, IsOk());
  EXPECT_EQ(parsed->format, ExportFormat::kCsv);
  EXPECT_EQ(parsed->out, "out.txt");
  EXPECT_EQ(parsed->page_size, 50);
  EXPECT_EQ(parsed->query, "smith, john");
  EXPECT_FALSE(parsed->bom);

  parsed = Parse({"export", "--location", "L", "--out", "all.CSV"});
  ASSERT_THAT(parsed, IsOk());
  EXPECT_EQ(parsed->format, ExportFormat::kCsv);
  EXPECT_TRUE(parsed->bom);
  EXPECT_EQ(parsed->page_size, 0);
  parsed = Parse({"export", "--location", "L", "--out", "all.jsonl"});
  ASSERT_THAT(parsed, IsOk());
  EXPECT_EQ(parsed->format, ExportFormat::kJsonl);

  ExpectUsage({"export", "--location", "L", "--out", "all.txt"}, "--format is required");
  ExpectUsage({"export", "--location", "L", "--out", "x", "--format", "xml"}, "--format must be jsonl or csv");
  ExpectUsage({"export", "--location", "L", "--format", "csv"}, "--out is required");
  ExpectUsage({"export", "--location", "L", "--out", "x.csv", "--page-size", "0"}, "--page-size");
  ExpectUsage({"export", "--location", "L", "--out", "x.csv", "--page-size", "101"}, "--page-size");
  ExpectUsage({"export", "--location", "L", "--out", "x.csv", "--page-size", "ten"}, "--page-size");
  ExpectUsage({"export", "--location", "L", "--out", "x.jsonl", "--no-bom"}, "csv only");
  ExpectUsage({"export", "--location", "L", "--out", "x.csv", "--no-bom=yes"}, "takes no value");
}

TEST_F(ParseArgsTest, CreateFromFieldFlags) {
  absl::StatusOr<Invocation> parsed =
      Parse({"create", "--location", "L", "--first-name", "Zoë", "--last-name", "O'Neil", "--email", "z@example.com",
             "--phone", "+15551234567", "--tag", "vip", "--tag", "follow-up, urgent", "--dnd", "false", "--field",
             "contact.industry=Health", "--field", "Gpi4XvwvRrBQARooOO4A=SMS", "--field",
             "Gpi4XvwvRrBQARooOO4A=Email", "--field", "YjfhkolJ64cbOyxZvVrs:=87.5", "--field",
             "contact.note=a=b"});
  ASSERT_THAT(parsed, IsOk());
  const v1::Contact& c = parsed->contact;
  EXPECT_EQ(c.first_name(), "Zoë");
  EXPECT_EQ(c.last_name(), "O'Neil");
  EXPECT_EQ(c.email(), "z@example.com");
  EXPECT_EQ(c.phone(), "+15551234567");
  EXPECT_TRUE(c.has_dnd());
  EXPECT_FALSE(c.dnd());
  EXPECT_THAT(c.tags(), ElementsAre("vip", "follow-up, urgent"));
  ASSERT_EQ(c.custom_fields_size(), 4);
  EXPECT_EQ(c.custom_fields(0).key(), "contact.industry");
  EXPECT_EQ(c.custom_fields(0).id(), "");
  EXPECT_EQ(c.custom_fields(0).string_value(), "Health");
  EXPECT_EQ(c.custom_fields(1).id(), "Gpi4XvwvRrBQARooOO4A");
  EXPECT_THAT(c.custom_fields(1).string_list_value().values(), ElementsAre("SMS", "Email"));
  EXPECT_EQ(c.custom_fields(2).id(), "YjfhkolJ64cbOyxZvVrs");
  EXPECT_EQ(c.custom_fields(2).number_value(), 87.5);
  EXPECT_EQ(c.custom_fields(3).string_value(), "a=b");
  EXPECT_THAT(parsed->paths, ElementsAre("first_name", "last_name", "email", "phone", "tags", "dnd", "custom_fields"));
}

TEST_F(ParseArgsTest, CustomFieldJsonValues) {
  absl::StatusOr<Invocation> parsed =
      Parse({"create", "--location", "L", "--field", "a:=[\"SMS\",\"Email\"]", "--field", "b:=\"text\"", "--field",
             "c:={\"url\":\"x\"}", "--field", "d:=true"});
  ASSERT_THAT(parsed, IsOk());
  const v1::Contact& c = parsed->contact;
  EXPECT_THAT(c.custom_fields(0).string_list_value().values(), ElementsAre("SMS", "Email"));
  EXPECT_EQ(c.custom_fields(1).string_value(), "text");
  EXPECT_EQ(c.custom_fields(2).json_value().struct_value().fields().at("url").string_value(), "x");
  EXPECT_TRUE(c.custom_fields(3).json_value().bool_value());

  ExpectUsage({"create", "--location", "L", "--field", "novalue"}, "ID_OR_KEY=VALUE");
  ExpectUsage({"create", "--location", "L", "--field", "=x"}, "no field id or key");
  ExpectUsage({"create", "--location", "L", "--field", "a:=not json"}, "needs a JSON value");
  ExpectUsage({"create", "--location", "L", "--field", "a:=1", "--field", "a=2"}, "given twice");
  ExpectUsage({"create", "--location", "L", "--dnd", "maybe"}, "not true or false");
}

TEST_F(ParseArgsTest, CreateNeedsSomething) {
  ExpectUsage({"create", "--location", "L"}, "give --json or at least one field flag");
  ExpectUsage({"create", "--location", "L", "--clear", "email"}, "unknown flag '--clear'");
}

TEST_F(ParseArgsTest, CreateFromJsonInlineFileAndStdin) {
  const std::string json = R"({"firstName":"Ann","tags":["a, b"],"locationId":"ignored"})";
  absl::StatusOr<Invocation> parsed = Parse({"create", "--location", "L", "--json", json});
  ASSERT_THAT(parsed, IsOk());
  EXPECT_EQ(parsed->contact.first_name(), "Ann");
  EXPECT_THAT(parsed->contact.tags(), ElementsAre("a, b"));
  EXPECT_FALSE(parsed->contact.has_location_id());

  testing::TempDir dir;
  {
    std::ofstream file(dir.File("c.json"));
    file << json;
  }
  parsed = Parse({"create", "--location", "L", "--json", "@" + dir.File("c.json")});
  ASSERT_THAT(parsed, IsOk());
  EXPECT_EQ(parsed->contact.first_name(), "Ann");

  stdin_.str(json);
  parsed = Parse({"create", "--location", "L", "--json", "-"});
  ASSERT_THAT(parsed, IsOk());
  EXPECT_EQ(parsed->contact.first_name(), "Ann");

  ExpectUsage({"create", "--location", "L", "--json", json, "--email", "x@y"}, "cannot be combined");
  ExpectUsage({"create", "--location", "L", "--json", "{not json"}, "--json");
  ExpectUsage({"create", "--location", "L", "--json", "@" + dir.File("missing.json")}, "cannot read");
}

TEST_F(ParseArgsTest, UpdateMaskIsExactlyTheFieldsGiven) {
  absl::StatusOr<Invocation> parsed = Parse({"update", "--location", "L", "--id", "C", "--email", "new@example.com",
                                             "--clear", "website", "--clear", "tags", "--clear", "dateOfBirth"});
  ASSERT_THAT(parsed, IsOk());
  EXPECT_EQ(parsed->contact.id(), "C");
  EXPECT_EQ(parsed->contact.email(), "new@example.com");
  EXPECT_FALSE(parsed->contact.has_website());
  EXPECT_TRUE(parsed->contact.tags().empty());
  EXPECT_THAT(parsed->paths, ElementsAre("email", "website", "tags", "date_of_birth"));

  ExpectUsage({"update", "--location", "L", "--id", "C"}, "nothing to update");
  ExpectUsage({"update", "--location", "L", "--id", "C", "--email", "x", "--clear", "email"}, "also being set");
  ExpectUsage({"update", "--location", "L", "--id", "C", "--clear", "nonsense"}, "unknown contact field");
  ExpectUsage({"update", "--location", "L", "--id", "C", "--clear", "id"}, "cannot clear id");
  ExpectUsage({"update", "--location", "L", "--email", "x"}, "--id is required");
}

TEST_F(ParseArgsTest, UpdateFromJsonMasksTheTopLevelMembers) {
  absl::StatusOr<Invocation> parsed =
      Parse({"update", "--location", "L", "--id", "C", "--json",
             R"({"id":"other","firstName":"Ann","customFields":[{"id":"f1","value":"x"}],"dnd":true})",
             "--clear", "email"});
  ASSERT_THAT(parsed, IsOk());
  EXPECT_EQ(parsed->contact.id(), "C");
  EXPECT_EQ(parsed->contact.first_name(), "Ann");
  EXPECT_THAT(parsed->paths, ElementsAre("first_name", "custom_fields", "dnd", "email"));
  ExpectUsage({"update", "--location", "L", "--id", "C", "--json", R"({"favouriteColour":"red"})"},
              "unknown contact field 'favouriteColour'");
}

TEST(ResolveContactFieldTest, AcceptsProtoJsonAndFlagSpellings) {
  EXPECT_EQ(*ResolveContactField("first_name"), "first_name");
  EXPECT_EQ(*ResolveContactField("firstName"), "first_name");
  EXPECT_EQ(*ResolveContactField("first-name"), "first_name");
  EXPECT_EQ(*ResolveContactField("dndSettings"), "dnd_settings");
  EXPECT_FALSE(ResolveContactField("extra").ok());
  EXPECT_FALSE(ResolveContactField("").ok());
}

TEST(ExportFormatTest, ParsesAndNames) {
  EXPECT_EQ(*ParseExportFormat("jsonl"), ExportFormat::kJsonl);
  EXPECT_EQ(*ParseExportFormat("csv"), ExportFormat::kCsv);
  EXPECT_FALSE(ParseExportFormat("CSV").ok());
  EXPECT_EQ(ExportFormatName(ExportFormat::kCsv), "csv");
}

}  // namespace
}  // namespace ghl::client::ghlctl
