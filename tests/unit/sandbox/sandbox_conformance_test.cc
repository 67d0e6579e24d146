// Every operation of apps/contacts.json through `prism proxy --errors` in
// front of ghl-sandbox (generated data: custom field values are strings, as
// the spec types them). Requests follow the spec; any violation or warning
// Prism logs about our requests or the sandbox's answers fails the test, and
// so does an operation of the spec that the traffic missed.
//
// Needs Prism: GHL_PRISM_BIN (tools/test sets it); skipped without it
// unless GHL_REQUIRE_PRISM=1.
#include <httplib.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "tests/support/subprocess.h"
#include "tests/unit/sandbox/sandbox_test_util.h"
#include "tools/ghl-sandbox/sandbox.h"

namespace ghl::sandbox {
namespace {

using ::ghl::sandbox::testing::kDemoLocation;
using ::ghl::sandbox::testing::kReadOnly;
using ::ghl::sandbox::testing::kReadWrite;
using ::ghl::sandbox::testing::ParseJson;
using ::ghl::sandbox::testing::TestTokens;

std::vector<std::string> PrismProblems(const std::string& log) {
  std::vector<std::string> out;
  for (absl::string_view line : absl::StrSplit(log, '\n')) {
    const bool validator =
        absl::StrContains(line, "[VALIDATOR]") && !absl::StrContains(line, "\u2714");
    if (validator || absl::StrContains(line, "\u2716") || absl::StrContains(line, "\u26a0") ||
        absl::StrContains(line, "Violation")) {
      out.emplace_back(line);
    }
  }
  return out;
}

std::set<std::string> SpecOperationIds() {
  std::ifstream in(::ghl::testing::SharedDir() + "/ghl-api/apps/contacts.json");
  std::stringstream text;
  text << in.rdbuf();
  const rapidjson::Document spec = ParseJson(text.str());
  std::set<std::string> ids;
  for (const auto& path : spec["paths"].GetObject()) {
    for (const auto& op : path.value.GetObject()) {
      if (op.value.IsObject() && op.value.HasMember("operationId")) {
        ids.insert(op.value["operationId"].GetString());
      }
    }
  }
  return ids;
}

class PrismConformanceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string prism = ::ghl::testing::Env("GHL_PRISM_BIN");
    if (prism.empty() || access(prism.c_str(), X_OK) != 0) {
      if (::ghl::testing::Env("GHL_REQUIRE_PRISM") == "1") FAIL() << "GHL_PRISM_BIN is not Prism";
      GTEST_SKIP() << "Prism not installed; set GHL_PRISM_BIN";
    }
    SandboxOptions options;
    options.generate_contacts = 300;
    options.seed = 5;
    options.tokens = TestTokens();
    options.rate_limit_max = 100000;
    sandbox_ = std::make_unique<Sandbox>(options);
    ASSERT_TRUE(sandbox_->Start().ok());
    const int port = ::ghl::testing::FreePort();
    log_ = ::testing::TempDir() + absl::StrCat("/sandbox-prism-", port, ".log");
    prism_ = std::make_unique<::ghl::testing::Subprocess>(
        std::vector<std::string>{prism, "proxy",
                                 ::ghl::testing::SharedDir() + "/ghl-api/apps/contacts.json",
                                 absl::StrCat("http://127.0.0.1:", sandbox_->port()), "-p",
                                 absl::StrCat(port), "-h", "127.0.0.1", "--errors"},
        log_);
    ASSERT_TRUE(::ghl::testing::WaitForPort(port, std::chrono::seconds(30))) << prism_->log();
    client_ = std::make_unique<httplib::Client>("127.0.0.1", port);
    client_->set_read_timeout(30, 0);
  }

  void TearDown() override {
    if (prism_) prism_->Stop();
    if (sandbox_) sandbox_->Stop();
  }

  // One call; `op` names the spec operation it exercises.
  rapidjson::Document Call(const std::string& op, const std::string& method,
                           const std::string& path, int expected_status,
                           const std::string& body = "", const std::string& token = kReadWrite) {
    covered_.insert(op);
    const httplib::Headers headers = {{"Version", "2021-07-28"},
                                      {"Authorization", "Bearer " + token}};
    httplib::Result r =
        method == "GET"    ? client_->Get(path.c_str(), headers)
        : method == "POST" ? client_->Post(path.c_str(), headers, body, "application/json")
        : method == "PUT"  ? client_->Put(path.c_str(), headers, body, "application/json")
                           : client_->Delete(path.c_str(), headers, body, "application/json");
    rapidjson::Document doc;
    if (!r) {
      ADD_FAILURE() << op << ": no answer";
      return doc;
    }
    EXPECT_EQ(r->status, expected_status) << op << " " << method << " " << path << ": " << r->body;
    doc.Parse(r->body.data(), r->body.size());
    return doc;
  }

  std::unique_ptr<Sandbox> sandbox_;
  std::unique_ptr<::ghl::testing::Subprocess> prism_;
  std::unique_ptr<httplib::Client> client_;
  std::string log_;
  std::set<std::string> covered_;
};

TEST_F(PrismConformanceTest, EveryOperationConformsToTheSpec) {
  const std::string loc = kDemoLocation;
  auto page = Call(
      "search-contacts-advanced", "POST", "/contacts/search", 200,
      absl::StrCat(R"({"locationId":")", loc, R"(","pageLimit":5,)",
                   R"("filters":[{"field":"email","operator":"exists"},)",
                   R"({"group":"OR","filters":[{"field":"type","operator":"eq","value":"lead"},)",
                   R"({"field":"type","operator":"eq","value":"customer"}]}],)",
                   R"("sort":[{"field":"dateAdded","direction":"desc"}]})"));
  ASSERT_TRUE(page.IsObject() && page["contacts"].Size() == 5);
  const std::string id = page["contacts"][0]["id"].GetString();
  const std::string email = page["contacts"][0]["email"].GetString();
  const std::string id2 = page["contacts"][1]["id"].GetString();
  Call("search-contacts-advanced", "POST", "/contacts/search", 200,
       absl::StrCat(R"({"locationId":")", loc, R"(","pageLimit":5,"searchAfter":)",
                    ToJson(page["contacts"][4]["searchAfter"]), "}"));
  Call("get-duplicate-contact", "GET",
       absl::StrCat("/contacts/search/duplicate?locationId=", loc,
                    "&email=", httplib::detail::encode_query_param(email)),
       200);
  Call("get-duplicate-contact", "GET",
       absl::StrCat("/contacts/search/duplicate?locationId=", loc, "&number=%2B1423164516"), 200);

  const std::string c = "/contacts/" + id;
  Call("get-all-tasks", "GET", c + "/tasks", 200);
  auto task = Call("create-task", "POST", c + "/tasks", 201,
                   R"({"title":"First Task","body":"loram ipsum","dueDate":"2020-10-25T11:00:00Z",)"
                   R"("completed":true,"assignedTo":"hxHGVRb1YJUscrCB8eXK"})");
  const std::string task_id = task["task"]["id"].GetString();
  Call("get-task", "GET", c + "/tasks/" + task_id, 200);
  Call("update-task", "PUT", c + "/tasks/" + task_id, 200,
       R"({"title":"Second","completed":false})");
  Call("update-task-completed", "PUT", c + "/tasks/" + task_id + "/completed", 200,
       R"({"completed":true})");
  Call("delete-task", "DELETE", c + "/tasks/" + task_id, 200);
  Call("create-task", "POST", c + "/tasks", 422,
       R"({"title":"T","dueDate":"tomorrow","completed":true})");

  Call("get-all-notes", "GET", c + "/notes", 200);
  auto note =
      Call("create-note", "POST", c + "/notes", 201,
           R"({"userId":"GCs5KuzPqTls7vWclkEV","body":"lorem ipsum","title":"Follow-up summary",)"
           R"("color":"#FFAA00","pinned":false})");
  const std::string note_id = note["note"]["id"].GetString();
  Call("get-note", "GET", c + "/notes/" + note_id, 200);
  Call("update-note", "PUT", c + "/notes/" + note_id, 200, R"({"body":"changed","pinned":true})");
  Call("delete-note", "DELETE", c + "/notes/" + note_id, 200);

  // A contact with an appointment: generated data gives one to about one in five.
  const auto listed =
      Call("get-contacts", "GET", "/contacts/?locationId=" + loc + "&limit=20", 200);
  size_t events = 0;
  for (const auto& contact : listed["contacts"].GetArray()) {
    events +=
        Call("get-appointments-for-contact", "GET",
             absl::StrCat("/contacts/", contact["id"].GetString(), "/appointments"), 200)["events"]
            .Size();
  }
  EXPECT_GT(events, 0u) << "no appointment was checked against GetEventSchema";

  Call("add-tags", "POST", c + "/tags", 201, R"({"tags":["minim","velit, magna"]})");
  Call("remove-tags", "DELETE", c + "/tags", 200, R"({"tags":["minim"]})");
  Call("create-association", "POST", "/contacts/bulk/tags/update/add", 201,
       absl::StrCat(R"({"contacts":[")", id, R"(","abcdef",")", id2,
                    R"("],"tags":["tag-1","tag-2"],)", R"("locationId":")", loc, R"("})"));
  Call("create-association", "POST", "/contacts/bulk/tags/update/remove", 201,
       absl::StrCat(R"({"contacts":[")", id, R"("],"tags":[],"removeAllTags":true,"locationId":")",
                    loc, R"("})"));
  Call("add-remove-contact-from-business", "POST", "/contacts/bulk/business", 200,
       absl::StrCat(R"({"locationId":")", loc, R"(","ids":[")", id, R"(",")", id2,
                    R"("],"businessId":"63b7ec34ea409a9a8bd2a4ff"})"));
  Call("get-contacts-by-businessId", "GET",
       absl::StrCat("/contacts/business/63b7ec34ea409a9a8bd2a4ff?locationId=", loc,
                    "&limit=10&skip=0&query=a"),
       200);
  Call("get-contacts-by-businessId", "GET",
       absl::StrCat("/contacts/business/63b7ec34ea409a9a8bd2a4ff?locationId=", loc), 200);
  Call("add-remove-contact-from-business", "POST", "/contacts/bulk/business", 200,
       absl::StrCat(R"({"locationId":")", loc, R"(","ids":[")", id2, R"("],"businessId":null})"));

  Call("add-followers-contact", "POST", c + "/followers", 201,
       R"({"followers":["sx6wyHhbFdRXh302Lunr","sx6wyHhbFdRXh302LLss"]})");
  Call("remove-followers-contact", "DELETE", c + "/followers", 200,
       R"({"followers":["sx6wyHhbFdRXh302Lunr"]})");
  Call("add-contact-to-campaign", "POST", c + "/campaigns/Y2I9XM7aO1hncuSOlc9L", 201, "{}");
  Call("remove-contact-from-campaign", "DELETE", c + "/campaigns/Y2I9XM7aO1hncuSOlc9L", 200);
  Call("remove-contact-from-every-campaign", "DELETE", c + "/campaigns/removeAll", 200);
  Call("add-contact-to-workflow", "POST", c + "/workflow/sx6wyHhbFdRXh302LLNR", 200,
       R"({"eventStartTime":"2021-06-23T03:30:00+01:00"})");
  Call("delete-contact-from-workflow", "DELETE", c + "/workflow/sx6wyHhbFdRXh302LLNR", 200,
       R"({"eventStartTime":"2021-06-23T03:30:00+01:00"})");

  Call("get-contact", "GET", c, 200);
  Call("update-contact", "PUT", c, 200, R"({"firstName":"Rosan","tags":["a, b"]})");
  Call("update-contact", "PUT", c, 401, R"({"firstName":"Rosan"})", kReadOnly);
  Call("upsert-contact", "POST", "/contacts/upsert", 200,
       absl::StrCat(R"({"locationId":")", loc, R"(","email":")", email, R"(","city":"Dolomite"})"));
  auto created = Call(
      "upsert-contact", "POST", "/contacts/upsert", 200,
      absl::StrCat(R"({"locationId":")", loc, R"(","firstName":"Rosan","email":"rosan@deos.com",)",
                   R"("phone":"+1 888-888-8888","createNewIfDuplicateAllowed":false})"));
  const std::string new_id = created["contact"]["id"].GetString();
  Call("create-contact", "POST", "/contacts/", 400,
       absl::StrCat(R"({"locationId":")", loc, R"(","email":"rosan@deos.com"})"));
  auto other = Call(
      "create-contact", "POST", "/contacts/", 201,
      absl::StrCat(R"({"locationId":")", loc, R"(","firstName":"Del","email":"del@deos.com"})"));
  Call("delete-contact", "DELETE", absl::StrCat("/contacts/", other["contact"]["id"].GetString()),
       200);
  Call("delete-contact", "DELETE", "/contacts/" + new_id, 200);
  Call("get-contacts", "GET", "/contacts/?locationId=" + loc + "&limit=3", 200);

  EXPECT_EQ(covered_, SpecOperationIds());
  const std::vector<std::string> problems = PrismProblems(prism_->log());
  for (const auto& line : problems) ADD_FAILURE() << line;
  EXPECT_TRUE(problems.empty());
}

}  // namespace
}  // namespace ghl::sandbox
