// Parsing of ghlctl's command groups (groups.h): each group's flags become
// the request its subcommand sends, usage errors name the problem, and every
// group and subcommand has --help. Pure: no server.
#include "client/ghlctl/groups.h"

#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <google/protobuf/util/message_differencer.h>
#include <google/protobuf/text_format.h>
#include <gtest/gtest.h>

#include "ghl/contacts/v1/appointments_service.pb.h"
#include "ghl/contacts/v1/contacts_service.pb.h"
#include "ghl/contacts/v1/notes_service.pb.h"
#include "ghl/contacts/v1/tags_service.pb.h"
#include "ghl/contacts/v1/tasks_service.pb.h"
#include "tests/unit/client/status_matchers.h"

namespace ghl::client::ghlctl {
namespace {

using ::ghl::client::testing::IsOk;
using ::ghl::client::testing::StatusIs;
using ::testing::HasSubstr;
namespace v1 = ::ghl::contacts::v1;

class GroupParseTest : public ::testing::Test {
 protected:
  absl::StatusOr<GroupInvocation> Parse(const std::vector<std::string>& args) {
    return ParseGroupArgs(
        args,
        [this](const std::string& name) -> std::optional<std::string> {
          auto it = env_.find(name);
          if (it == env_.end()) return std::nullopt;
          return it->second;
        },
        stdin_);
  }

  // Parses `args` and expects the request to equal `want_text` (text format).
  template <typename Request>
  void ExpectRequest(const std::vector<std::string>& args, const std::string& want_text) {
    absl::StatusOr<GroupInvocation> parsed = Parse(args);
    ASSERT_THAT(parsed.status(), IsOk()) << ::testing::PrintToString(args);
    ASSERT_NE(parsed->request, nullptr);
    const Request* got = dynamic_cast<const Request*>(parsed->request.get());
    ASSERT_NE(got, nullptr) << "request is a " << parsed->request->GetTypeName();
    Request want;
    ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(want_text, &want)) << want_text;
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(*got, want))
        << ::testing::PrintToString(args) << "\n got: " << got->ShortDebugString()
        << "\nwant: " << want.ShortDebugString();
  }

  void ExpectUsage(const std::vector<std::string>& args, const std::string& text) {
    EXPECT_THAT(Parse(args), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(text)))
        << ::testing::PrintToString(args);
  }

  std::map<std::string, std::string> env_;
  std::istringstream stdin_;
};

TEST_F(GroupParseTest, GroupOfArgsFindsTheGroupPastGlobalFlags) {
  EXPECT_EQ(GroupOfArgs({"tasks", "list"}), FindCommandGroup("tasks"));
  EXPECT_EQ(GroupOfArgs({"--gateway", "h:1", "notes", "get"}), FindCommandGroup("notes"));
  EXPECT_EQ(GroupOfArgs({"--timeout=5s", "catalog"}), FindCommandGroup("catalog"));
  EXPECT_EQ(GroupOfArgs({"help", "search"}), FindCommandGroup("search"));
  EXPECT_EQ(GroupOfArgs({"get", "--location", "L"}), nullptr);
  EXPECT_EQ(GroupOfArgs({"help", "export"}), nullptr);
  EXPECT_EQ(GroupOfArgs({}), nullptr);
}

TEST_F(GroupParseTest, EveryGroupAndSubcommandHasHelp) {
  std::vector<std::string> names;
  for (const CommandGroup& group : CommandGroups()) {
    names.push_back(group.name);
    EXPECT_FALSE(group.summary.empty()) << group.name;
    EXPECT_THAT(GroupSummaries(), HasSubstr("  " + group.name + " ")) << group.name;
    for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
             {group.name, "--help"}, {"help", group.name}, {"--help", group.name}}) {
      absl::StatusOr<GroupInvocation> parsed = Parse(args);
      ASSERT_THAT(parsed.status(), IsOk()) << ::testing::PrintToString(args);
      EXPECT_TRUE(parsed->help);
      EXPECT_THAT(GroupUsage(*parsed->group), HasSubstr("Usage: ghlctl " + group.name));
    }
    for (const Subcommand& sub : group.subcommands) {
      EXPECT_THAT(sub.usage, HasSubstr("Usage: ghlctl " + group.name + (sub.name.empty() ? "" : " " + sub.name)))
          << group.name << " " << sub.name;
      if (sub.name.empty()) continue;
      EXPECT_THAT(GroupUsage(group), HasSubstr("  " + sub.name + " ")) << group.name;
      absl::StatusOr<GroupInvocation> parsed = Parse({group.name, sub.name, "--help"});
      ASSERT_THAT(parsed.status(), IsOk());
      EXPECT_TRUE(parsed->help);
      EXPECT_EQ(parsed->subcommand, &sub);
    }
  }
  EXPECT_THAT(names, ::testing::ElementsAre("catalog", "tasks", "notes", "appointments", "tags", "search", "upsert",
                                            "duplicate", "business", "followers", "campaigns", "workflows", "keys",
                                            "auth", "sync", "doctor", "watch"));
}

TEST_F(GroupParseTest, GlobalFlagsAnywhere) {
  env_["GHL_GATEWAY"] = "env:1";
  absl::StatusOr<GroupInvocation> parsed = Parse({"tasks", "list", "--location", "L", "--contact", "C"});
  ASSERT_THAT(parsed.status(), IsOk());
  EXPECT_EQ(parsed->gateway, "env:1");
  EXPECT_EQ(parsed->timeout, absl::Seconds(30));
  parsed = Parse({"--timeout", "500ms", "tasks", "list", "--location=L", "--contact", "C", "--gateway", "h:2"});
  ASSERT_THAT(parsed.status(), IsOk());
  EXPECT_EQ(parsed->gateway, "h:2");
  EXPECT_EQ(parsed->timeout, absl::Milliseconds(500));
  EXPECT_EQ(parsed->flags.GetOr("location"), "L");
}

TEST_F(GroupParseTest, UsageErrors) {
  ExpectUsage({"tasks"}, "ghlctl tasks: missing subcommand (one of list, get, create, update, complete, delete)");
  ExpectUsage({"tasks", "frob"}, "unknown subcommand 'frob'");
  ExpectUsage({"tasks", "--location", "L", "list"}, "--location must come after the subcommand");
  ExpectUsage({"tasks", "list", "--location", "L"}, "ghlctl tasks list: --contact is required");
  ExpectUsage({"tasks", "list", "--location", "L", "--contact", "C", "--bogus"},
              "unknown flag '--bogus' for 'ghlctl tasks list'");
  ExpectUsage({"tasks", "list", "--location", "L", "--location", "M", "--contact", "C"},
              "--location given more than once");
  ExpectUsage({"tasks", "list", "--location", "L", "--contact"}, "--contact needs a value");
  ExpectUsage({"tasks", "list", "--location", "L", "--contact", "C", "stray"}, "unexpected argument 'stray'");
  ExpectUsage({"tasks", "list", "--location", "L", "--contact", "C", "--timeout", "soon"}, "--timeout");
  ExpectUsage({"catalog", "--json=yes"}, "--json takes no value");
  ExpectUsage({"tasks", "list", "--location", "L", "--contact", "C", "-x"}, "unknown flag '-x'");
}

TEST_F(GroupParseTest, Tasks) {
  ExpectRequest<v1::ListTasksRequest>({"tasks", "list", "--location", "L", "--contact", "C"},
                                      R"(location_id: "L" contact_id: "C")");
  ExpectRequest<v1::GetTaskRequest>({"tasks", "get", "--location", "L", "--contact", "C", "--task", "T"},
                                    R"(location_id: "L" contact_id: "C" task_id: "T")");
  ExpectRequest<v1::CreateTaskRequest>(
      {"tasks", "create", "--location", "L", "--contact", "C", "--title", "Call", "--due", "2024-05-01T15:00:00Z",
       "--body", "B", "--assigned-to", "U", "--completed", "false"},
      R"(location_id: "L" contact_id: "C"
         task { title: "Call" body: "B" assigned_to: "U" due_date { seconds: 1714575600 } completed: false })");
  ExpectUsage({"tasks", "create", "--location", "L", "--contact", "C", "--title", "Call"}, "--due is required");
  ExpectUsage({"tasks", "create", "--location", "L", "--contact", "C", "--title", "x", "--due", "tomorrow"},
              "--due: 'tomorrow' is not an RFC 3339 date-time");
  ExpectRequest<v1::UpdateTaskRequest>(
      {"tasks", "update", "--location", "L", "--contact", "C", "--task", "T", "--completed", "yes", "--title", "X"},
      R"(location_id: "L" contact_id: "C" task { id: "T" title: "X" completed: true }
         update_mask { paths: "title" paths: "completed" })");
  ExpectUsage({"tasks", "update", "--location", "L", "--contact", "C", "--task", "T"}, "give at least one of");
  ExpectUsage({"tasks", "update", "--location", "L", "--contact", "C", "--task", "T", "--completed", "maybe"},
              "--completed: 'maybe' is not true or false");
  ExpectRequest<v1::SetTaskCompletedRequest>(
      {"tasks", "complete", "--location", "L", "--contact", "C", "--task", "T"},
      R"(location_id: "L" contact_id: "C" task_id: "T" completed: true)");
  ExpectRequest<v1::SetTaskCompletedRequest>(
      {"tasks", "complete", "--location", "L", "--contact", "C", "--task", "T", "--undo"},
      R"(location_id: "L" contact_id: "C" task_id: "T" completed: false)");
  ExpectRequest<v1::DeleteTaskRequest>({"tasks", "delete", "--location", "L", "--contact", "C", "--task", "T"},
                                       R"(location_id: "L" contact_id: "C" task_id: "T")");
}

TEST_F(GroupParseTest, Notes) {
  ExpectRequest<v1::ListNotesRequest>({"notes", "list", "--location", "L", "--contact", "C"},
                                      R"(location_id: "L" contact_id: "C")");
  ExpectRequest<v1::GetNoteRequest>({"notes", "get", "--location", "L", "--contact", "C", "--note", "N"},
                                    R"(location_id: "L" contact_id: "C" note_id: "N")");
  ExpectRequest<v1::CreateNoteRequest>(
      {"notes", "create", "--location", "L", "--contact", "C", "--body", "Hi, there", "--user", "U", "--pinned",
       "true", "--title", "T", "--color", "red"},
      R"(location_id: "L" contact_id: "C"
         note { body: "Hi, there" user_id: "U" pinned: true title: "T" color: "red" })");
  ExpectUsage({"notes", "create", "--location", "L", "--contact", "C"}, "--body is required");
  ExpectRequest<v1::UpdateNoteRequest>(
      {"notes", "update", "--location", "L", "--contact", "C", "--note", "N", "--pinned", "false"},
      R"(location_id: "L" contact_id: "C" note { id: "N" pinned: false } update_mask { paths: "pinned" })");
  ExpectUsage({"notes", "update", "--location", "L", "--contact", "C", "--note", "N"}, "give at least one of");
  ExpectRequest<v1::DeleteNoteRequest>({"notes", "delete", "--location", "L", "--contact", "C", "--note", "N"},
                                       R"(location_id: "L" contact_id: "C" note_id: "N")");
}

TEST_F(GroupParseTest, AppointmentsAndTags) {
  ExpectRequest<v1::ListContactAppointmentsRequest>({"appointments", "list", "--location", "L", "--contact", "C"},
                                                    R"(location_id: "L" contact_id: "C")");
  ExpectRequest<v1::AddTagsRequest>(
      {"tags", "add", "--location", "L", "--contact", "C", "--tag", "vip, gold", "--tag", " spaced "},
      R"(location_id: "L" contact_id: "C" tags: "vip, gold" tags: " spaced ")");
  ExpectUsage({"tags", "add", "--location", "L", "--contact", "C"}, "--tag is required");
  ExpectRequest<v1::RemoveTagsRequest>({"tags", "remove", "--location", "L", "--contact", "C", "--tag", "x"},
                                       R"(location_id: "L" contact_id: "C" tags: "x")");
  ExpectRequest<v1::BulkUpdateTagsRequest>(
      {"tags", "bulk", "--location", "L", "--type", "add", "--contact", "A", "--contact", "B", "--tag", "t"},
      R"(location_id: "L" type: BULK_TAGS_UPDATE_TYPE_ADD contact_ids: "A" contact_ids: "B" tags: "t")");
  ExpectRequest<v1::BulkUpdateTagsRequest>(
      {"tags", "bulk", "--location", "L", "--type", "remove", "--contact", "A", "--remove-all"},
      R"(location_id: "L" type: BULK_TAGS_UPDATE_TYPE_REMOVE contact_ids: "A" remove_all_tags: true)");
  ExpectUsage({"tags", "bulk", "--location", "L", "--type", "toggle", "--contact", "A", "--tag", "t"},
              "--type: 'toggle' is not add or remove");
  ExpectUsage({"tags", "bulk", "--location", "L", "--type", "add", "--contact", "A", "--remove-all"},
              "--remove-all needs --type remove");
  ExpectUsage({"tags", "bulk", "--location", "L", "--type", "add", "--contact", "A"}, "give --tag");
}

TEST_F(GroupParseTest, SearchFiltersSortAndPaging) {
  ExpectRequest<v1::SearchContactsRequest>(
      {"search", "--location", "L", "--filter", "tags:eq:vip, gold", "--filter", "email:exists", "--filter",
       "dnd:eq:=true", "--filter", "score:not_eq:=42", "--filter", "tags:eq:=[\"a\",\"b\"]", "--filter",
       "dateAdded:range:gte=2024-01-01,lt=2024-02-01", "--filter", "score:range:gt=10", "--filter",
       "website:contains:http://x", "--sort", "dateAdded:desc", "--sort", "firstNameLowerCase:asc", "--query", "ann",
       "--page-size", "500", "--fields", "firstName,email"},
      R"(location_id: "L" query: "ann" page_size: 500
         filters { filter { field: "tags" operator: SEARCH_OPERATOR_EQ string_value: "vip, gold" } }
         filters { filter { field: "email" operator: SEARCH_OPERATOR_EXISTS } }
         filters { filter { field: "dnd" operator: SEARCH_OPERATOR_EQ bool_value: true } }
         filters { filter { field: "score" operator: SEARCH_OPERATOR_NOT_EQ number_value: 42 } }
         filters { filter { field: "tags" operator: SEARCH_OPERATOR_EQ string_list_value { values: "a" values: "b" } } }
         filters { filter { field: "dateAdded" operator: SEARCH_OPERATOR_RANGE
                            range_value { gte { string_value: "2024-01-01" } lt { string_value: "2024-02-01" } } } }
         filters { filter { field: "score" operator: SEARCH_OPERATOR_RANGE range_value { gt { number_value: 10 } } } }
         filters { filter { field: "website" operator: SEARCH_OPERATOR_CONTAINS string_value: "http://x" } }
         sort { field: "dateAdded" direction: SORT_DIRECTION_DESC }
         sort { field: "firstNameLowerCase" direction: SORT_DIRECTION_ASC }
         read_mask { paths: "first_name" paths: "email" })");
  ExpectRequest<v1::SearchContactsRequest>(
      {"search", "--location", "L", "--any", "--filter", "city:eq:Oslo", "--filter", "city:eq:Bergen"},
      R"(location_id: "L"
         filters { group { logic: SEARCH_GROUP_LOGIC_OR
           filters { filter { field: "city" operator: SEARCH_OPERATOR_EQ string_value: "Oslo" } }
           filters { filter { field: "city" operator: SEARCH_OPERATOR_EQ string_value: "Bergen" } } } })");
  ExpectRequest<v1::SearchContactsRequest>({"search", "--location", "L"}, R"(location_id: "L")");
  ExpectUsage({"search", "--location", "L", "--filter", "email"}, "expected FIELD:OP[:VALUE]");
  ExpectUsage({"search", "--location", "L", "--filter", "email:like:x"}, "unknown operator 'like'");
  ExpectUsage({"search", "--location", "L", "--filter", "email:exists:x"}, "exists takes no value");
  ExpectUsage({"search", "--location", "L", "--filter", "email:eq"}, "eq needs a value");
  ExpectUsage({"search", "--location", "L", "--filter", "a:eq:={"}, "is not JSON");
  ExpectUsage({"search", "--location", "L", "--filter", "a:eq:=[1]"}, "a list value must hold strings");
  ExpectUsage({"search", "--location", "L", "--filter", "a:range:around=3"}, "unknown range bound 'around'");
  ExpectUsage({"search", "--location", "L", "--sort", "dateAdded:up"}, "direction must be asc or desc");
  ExpectUsage({"search", "--location", "L", "--page-size", "501"}, "--page-size: '501' is not a number from 1 to 500");
  ExpectUsage({"search", "--location", "L", "--fields", "bogus"}, "unknown contact field 'bogus'");
  ExpectUsage({"search", "--location", "L", "--any"}, "--any needs at least one --filter");
  ExpectUsage({"search"}, "ghlctl search: --location is required");
}

TEST_F(GroupParseTest, UpsertUsesTheCreateFieldFlags) {
  ExpectRequest<v1::UpsertContactRequest>(
      {"upsert", "--location", "L", "--email", "a@b.co", "--first-name", "Ada", "--tag", "x, y", "--allow-duplicate"},
      R"(location_id: "L" contact { email: "a@b.co" first_name: "Ada" tags: "x, y" }
         create_new_if_duplicate_allowed: true)");
  stdin_.str(R"({"email": "c@d.co", "lastName": "Lovelace"})");
  ExpectRequest<v1::UpsertContactRequest>({"upsert", "--location", "L", "--json", "-"},
                                          R"(location_id: "L" contact { email: "c@d.co" last_name: "Lovelace" })");
  ExpectUsage({"upsert", "--location", "L", "--frob", "x"}, "unknown flag '--frob' for 'ghlctl upsert'");
  ExpectUsage({"upsert", "--location", "L"}, "ghlctl upsert: give --json or at least one field flag");
  ExpectUsage({"upsert", "--email", "a@b.co"}, "--location is required");
  absl::StatusOr<GroupInvocation> help = Parse({"upsert", "--help"});
  ASSERT_THAT(help.status(), IsOk());
  EXPECT_THAT(GroupUsage(*help->group), HasSubstr("--first-name"));
}

TEST_F(GroupParseTest, DuplicateAndBusiness) {
  ExpectRequest<v1::FindDuplicateContactRequest>({"duplicate", "--location", "L", "--email", "a@b.co"},
                                                 R"(location_id: "L" email: "a@b.co")");
  ExpectRequest<v1::FindDuplicateContactRequest>({"duplicate", "--location", "L", "--phone", "+1555"},
                                                 R"(location_id: "L" phone: "+1555")");
  ExpectUsage({"duplicate", "--location", "L"}, "give --email, --phone or both");
  ExpectRequest<v1::ListBusinessContactsRequest>(
      {"business", "list", "--location", "L", "--business", "B", "--page-size", "50", "--query", "q"},
      R"(location_id: "L" business_id: "B" page_size: 50 query: "q")");
  ExpectUsage({"business", "list", "--location", "L", "--business", "B", "--page-size", "101"}, "1 to 100");
  ExpectRequest<v1::BulkUpdateBusinessRequest>(
      {"business", "bulk-add", "--location", "L", "--business", "B", "--contact", "A", "--contact", "C"},
      R"(location_id: "L" business_id: "B" contact_ids: "A" contact_ids: "C")");
  ExpectRequest<v1::BulkUpdateBusinessRequest>({"business", "bulk-remove", "--location", "L", "--contact", "A"},
                                               R"(location_id: "L" remove_from_business: true contact_ids: "A")");
  ExpectUsage({"business", "bulk-remove", "--location", "L", "--contact", "A", "--business", "B"},
              "unknown flag '--business' for 'ghlctl business bulk-remove'");
}

TEST_F(GroupParseTest, FollowersCampaignsWorkflows) {
  ExpectRequest<v1::AddFollowersRequest>(
      {"followers", "add", "--location", "L", "--contact", "C", "--follower", "u1", "--follower", "u2"},
      R"(location_id: "L" contact_id: "C" followers: "u1" followers: "u2")");
  ExpectRequest<v1::RemoveFollowersRequest>(
      {"followers", "remove", "--location", "L", "--contact", "C", "--follower", "u1"},
      R"(location_id: "L" contact_id: "C" followers: "u1")");
  ExpectUsage({"followers", "add", "--location", "L", "--contact", "C"}, "--follower is required");
  ExpectRequest<v1::AddToCampaignRequest>(
      {"campaigns", "add", "--location", "L", "--contact", "C", "--campaign", "X"},
      R"(location_id: "L" contact_id: "C" campaign_id: "X")");
  ExpectRequest<v1::RemoveFromCampaignRequest>(
      {"campaigns", "remove", "--location", "L", "--contact", "C", "--campaign", "X"},
      R"(location_id: "L" contact_id: "C" campaign_id: "X")");
  ExpectRequest<v1::RemoveFromAllCampaignsRequest>({"campaigns", "remove-all", "--location", "L", "--contact", "C"},
                                                   R"(location_id: "L" contact_id: "C")");
  ExpectRequest<v1::AddToWorkflowRequest>(
      {"workflows", "add", "--location", "L", "--contact", "C", "--workflow", "W", "--event-start-time",
       "2024-05-01T15:00:00Z"},
      R"(location_id: "L" contact_id: "C" workflow_id: "W" event_start_time { seconds: 1714575600 })");
  ExpectRequest<v1::RemoveFromWorkflowRequest>(
      {"workflows", "remove", "--location", "L", "--contact", "C", "--workflow", "W"},
      R"(location_id: "L" contact_id: "C" workflow_id: "W")");
  ExpectUsage({"workflows", "add", "--location", "L", "--contact", "C"}, "--workflow is required");
}

}  // namespace
}  // namespace ghl::client::ghlctl
