// `ghlctl keys create|list|revoke` on a state file and `ghlctl auth`'s URL,
// in-process.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <sstream>

#include "absl/strings/str_split.h"
#include "adapters/ghl/auth/api_key_store.h"
#include "adapters/ghl/auth/oauth_state_store.h"
#include "adapters/ghl/auth/sqlite_db.h"
#include "client/ghlctl/commands.h"
#include "tests/unit/client/fake_clock.h"

namespace ghl::client::ghlctl {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

class KeysCommandsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    state_ = ::testing::TempDir() + "/ghlctl-keys.db";
    std::remove(state_.c_str());
    options_.clock = std::make_shared<testing::FakeClock>();
    options_.env = [this](const std::string& name) -> std::optional<std::string> {
      auto it = env_.find(name);
      if (it == env_.end()) return std::nullopt;
      return it->second;
    };
  }
  int Run(const std::vector<std::string>& args) {
    out_.str("");
    err_.str("");
    Console console{&in_, &out_, &err_, false};
    return ghlctl::Run(args, console, options_);
  }
  std::string state_;
  std::map<std::string, std::string> env_;
  RunOptions options_;
  std::istringstream in_;
  std::ostringstream out_;
  std::ostringstream err_;
};

TEST_F(KeysCommandsTest, CreateListRevoke) {
  ASSERT_EQ(Run({"keys", "create", "--state", state_, "--name", "exporter", "--location", "L1,L2",
                 "--scope", "contacts.readonly"}),
            kExitOk)
      << err_.str();
  const std::string key = std::string(absl::StripAsciiWhitespace(out_.str()));
  EXPECT_THAT(key, StartsWith("ghlk_"));
  EXPECT_THAT(err_.str(), Not(HasSubstr(key)));
  EXPECT_THAT(err_.str(), HasSubstr("locations L1,L2, scopes contacts.readonly"));
  auto db = auth::SqliteDb::Open(state_);
  ASSERT_TRUE(db.ok());
  auth::SqliteApiKeyStore store(*db);
  auto record = store.Verify(key);
  ASSERT_TRUE(record.ok());

  env_["GHL_STATE_FILE"] = state_;  // the default for --state
  ASSERT_EQ(Run({"keys", "list"}), kExitOk) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr(record->id + "\texporter\tL1,L2\tcontacts.readonly\t"));
  EXPECT_THAT(out_.str(), HasSubstr("active"));
  EXPECT_THAT(out_.str(), Not(HasSubstr(key)));

  ASSERT_EQ(Run({"keys", "revoke", "--id", record->id}), kExitOk) << err_.str();
  EXPECT_FALSE(store.Verify(key).ok());
  ASSERT_EQ(Run({"keys", "list"}), kExitOk);
  EXPECT_THAT(out_.str(), HasSubstr("revoked"));
  EXPECT_EQ(Run({"keys", "revoke", "--id", "ffffffffffffffff"}), kExitRpcError);
  EXPECT_THAT(err_.str(), HasSubstr("no API key with id ffffffffffffffff"));
}

TEST_F(KeysCommandsTest, BadFlagsAreUsageErrorsNamingTheField) {
  EXPECT_EQ(Run({"keys", "create", "--state", state_, "--name", "n", "--location", "L1", "--scope",
                 "contacts.all"}),
            kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("unknown scope \"contacts.all\""));
  EXPECT_EQ(
      Run({"keys", "create", "--state", state_, "--location", "L1", "--scope", "contacts.write"}),
      kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("--name"));
  EXPECT_EQ(Run({"keys", "list"}), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("--state"));
}

TEST_F(KeysCommandsTest, AuthPrintsTheAuthorizationUrl) {
  ASSERT_EQ(Run({"auth", "--client-id", "app-1", "--redirect-uri",
                 "http://gw.example:8081/oauth/callback"}),
            kExitOk)
      << err_.str();
  EXPECT_EQ(
      out_.str(),
      "https://marketplace.gohighlevel.com/v2/oauth/chooselocation?response_type=code&redirect_uri="
      "http%3A%2F%2Fgw.example%3A8081%2Foauth%2Fcallback&client_id=app-1&scope="
      "contacts.readonly%20contacts.write\n");
  env_["GHL_OAUTH_CLIENT_ID"] = "app-2";
  env_["GHL_OAUTH_REDIRECT_URI"] = "http://x/cb";
  ASSERT_EQ(Run({"auth", "--authorize-url", "http://127.0.0.1:9/v2/oauth/chooselocation",
                 "--location", "L1"}),
            kExitOk);
  EXPECT_THAT(out_.str(),
              StartsWith("http://127.0.0.1:9/v2/oauth/chooselocation?response_type=code"));
  EXPECT_THAT(out_.str(), HasSubstr("client_id=app-2"));
  EXPECT_THAT(out_.str(), HasSubstr("&locationId=L1"));
  // With the state file: a one-time state the gateway's callback will want.
  ASSERT_EQ(Run({"auth", "--state", state_}), kExitOk) << err_.str();
  const std::string url = out_.str();
  const std::string state = url.substr(url.find("&state=") + 7, 32);
  auto db = auth::SqliteDb::Open(state_);
  ASSERT_TRUE(db.ok());
  EXPECT_TRUE(auth::OAuthStateStore(*db).Consume(state, absl::Now()).ok());
  env_.clear();
  EXPECT_EQ(Run({"auth", "--redirect-uri", "http://x/cb"}), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("--client-id"));
}

}  // namespace
}  // namespace ghl::client::ghlctl
