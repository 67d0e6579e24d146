// The config file: the line parser alone, then the file through the option
// table (every option settable, precedence, secrets refused), then the real
// binary refusing a bad key at start.
#include "server/config_file.h"

#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "server/gateway_config.h"
#include "tests/support/status_matchers.h"
#include "tests/support/subprocess.h"

namespace ghl::server {
namespace {

using ::ghl::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::Not;

std::string WriteTemp(const std::string& name, const std::string& text) {
  const std::string path = ::testing::TempDir() + "/" + name;
  std::ofstream(path, std::ios::trunc) << text;
  return path;
}

TEST(ConfigText, KeysValuesCommentsQuotesAndLines) {
  auto e = ParseConfigText("f.conf",
                           "# comment\n\n  listen =  127.0.0.1:1  \r\nport-file = \"\"\n"
                           "upstream=http://h:1/#frag\n   # indented comment\nhelp-text = \" a b \"\n");
  ASSERT_TRUE(e.ok()) << e.status();
  ASSERT_EQ(e->size(), 4u);
  EXPECT_EQ((*e)[0].key, "listen");
  EXPECT_EQ((*e)[0].value, "127.0.0.1:1");
  EXPECT_EQ((*e)[0].line, 3);
  EXPECT_EQ((*e)[1].value, "");
  EXPECT_EQ((*e)[2].value, "http://h:1/#frag");  // '#' inside a value is kept
  EXPECT_EQ((*e)[2].line, 5);
  EXPECT_EQ((*e)[3].value, " a b ");
  EXPECT_EQ((*e)[3].line, 7);
}

TEST(ConfigText, MalformedLinesNameFileAndLineNeverTheValue) {
  EXPECT_THAT(ParseConfigText("f.conf", "listen = x\njust words s3cr3t\n"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("f.conf:2: expected `key = value`")));
  EXPECT_THAT(ParseConfigText("f.conf", "= s3cr3t\n"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("f.conf:1: missing key")));
  EXPECT_THAT(ParseConfigText("f.conf", "\n\nbad key = 1\n"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("f.conf:3: a key is")));
  EXPECT_THAT(ParseConfigText("f.conf", "workers = 1\nworkers = 2\n"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("f.conf:2: workers: set twice")));
  auto quote = ParseConfigText("f.conf", "listen = \"s3cr3t\n");
  EXPECT_THAT(quote, StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("f.conf:1: listen: unterminated")));
  EXPECT_THAT(std::string(quote.status().message()), Not(HasSubstr("s3cr3t")));
  EXPECT_THAT(ReadConfigFile(::testing::TempDir() + "/missing.conf"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--config: cannot read")));
  // A directory is no config file (it would read as empty: all defaults).
  EXPECT_THAT(ReadConfigFile(::testing::TempDir()),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("is not a regular file")));
}

TEST(ConfigFile, UnknownKeyAndBadValueNameTheKeyAndLine) {
  const std::string path = WriteTemp("bad.conf", "listen = 127.0.0.1:0\n# c\nlisen = 127.0.0.1:1\n");
  EXPECT_THAT(ParseGatewayConfig({"--config", path}, {}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr(path + ":3: lisen: unknown key")));
  const std::string value = WriteTemp("value.conf", "\nworkers = many\n");
  EXPECT_THAT(ParseGatewayConfig({"--config=" + value}, {}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr(value + ":2: workers: expected an integer in [1, 256]")));
  const std::string nested = WriteTemp("nested.conf", "config = other.conf\n");
  EXPECT_THAT(ParseGatewayConfig({}, {{"GHL_GATEWAY_CONFIG", nested}}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(":1: config: a config file cannot")));
  EXPECT_THAT(ParseGatewayConfig({"--config"}, {}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--config: needs a value")));
}

TEST(ConfigFile, SecretsAreRefusedAndNeverEchoed) {
  for (const char* key : {"state-key", "oauth-client-secret", "location-tokens", "token", "api-key"}) {
    const std::string path = WriteTemp("secret.conf", std::string(key) + " = s3cr3t-value\n");
    auto c = ParseGatewayConfig({"--config", path}, {});
    EXPECT_THAT(c, StatusIs(absl::StatusCode::kInvalidArgument,
                            HasSubstr(std::string(":1: ") + key + ": secrets are not accepted")));
    EXPECT_THAT(std::string(c.status().message()), Not(HasSubstr("s3cr3t")));
  }
  // The safe form: a path to a file holding the secret.
  const std::string secret = WriteTemp("client-secret", "s3cr3t-value\n");
  const std::string path = WriteTemp("ok.conf", "oauth-client-id = app\noauth-client-secret-file = " + secret + "\n");
  auto c = ParseGatewayConfig({"--config", path}, {});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->auth.oauth_client_secret, "s3cr3t-value");
  EXPECT_EQ(c->config_file, path);
}

TEST(ConfigFile, PrecedenceFileThenEnvironmentThenFlag) {
  const std::string path = WriteTemp("prec.conf",
                                     "workers = 3\nretry-max-attempts = 4\nupstream = http://file:1\n"
                                     "listen = 127.0.0.1:7\n");
  auto c = ParseGatewayConfig({"--config", path, "--workers=5"},
                              {{"GHL_GATEWAY_WORKERS", "9"}, {"GHL_RETRY_MAX_ATTEMPTS", "2"}});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->workers, 5);             // flag > env > file
  EXPECT_EQ(c->retry_max_attempts, 2);  // env > file
  EXPECT_EQ(c->upstream, "http://file:1");  // file > default
  EXPECT_EQ(c->listen, "127.0.0.1:7");
  // --config wins over GHL_GATEWAY_CONFIG, wherever it sits among the flags.
  const std::string other = WriteTemp("other.conf", "workers = 11\n");
  auto d = ParseGatewayConfig({"--listen=127.0.0.1:0", "--config=" + other}, {{"GHL_GATEWAY_CONFIG", path}});
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->workers, 11);
  EXPECT_EQ(d->retry_max_attempts, GatewayConfig().retry_max_attempts);
}

// Values one of which every option of the table accepts; a new option whose
// values are none of these fails here until a sample is added.
const char* const kSamples[] = {"7", "3", "on", "off", "127.0.0.1:0", "127.0.0.1:9",
                                "http://127.0.0.1:1", "/tmp/ghl-config-sample", "json", "text",
                                "debug", "warn"};

TEST(ConfigFile, EveryOptionOfTheTableIsSettableFromTheFileAndListedInHelp) {
  const std::string usage = GatewayUsage();
  ASSERT_FALSE(GatewayOptions().empty());
  for (const auto& o : GatewayOptions()) {
    SCOPED_TRACE(o.flag);
    const GatewayConfig defaults;
    std::string sample, expected;
    for (const char* v : kSamples) {
      GatewayConfig by_setter;
      if (o.set(v, &by_setter).ok() && o.default_value(by_setter) != o.default_value(defaults)) {
        sample = v;
        expected = o.default_value(by_setter);
        break;
      }
    }
    ASSERT_FALSE(sample.empty()) << "no sample value for --" << o.flag << ": add one to kSamples";
    const std::string path = WriteTemp("one.conf", absl::StrCat("# --", o.flag, "\n", o.flag, " = ", sample, "\n"));
    GatewayConfig from_file;
    ASSERT_TRUE(ApplyConfigFile(path, &from_file).ok()) << o.flag;
    EXPECT_EQ(o.default_value(from_file), expected);
    // And a bad value through the file names the key and the line.
    GatewayConfig scratch;
    if (!o.set("\x01not a value", &scratch).ok()) {
      const std::string bad = WriteTemp("bad-one.conf", absl::StrCat("\n", o.flag, " = \"\x01not a value\"\n"));
      EXPECT_THAT(ApplyConfigFile(bad, &scratch),
                  StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(absl::StrCat(":2: ", o.flag, ": "))));
    }
    EXPECT_THAT(usage, HasSubstr(absl::StrCat("  --", o.flag, " (", o.env, ") [config: ", o.flag, "]")));
  }
  EXPECT_THAT(usage, HasSubstr("--config FILE (GHL_GATEWAY_CONFIG)"));
}

// The real binary: a bad key stops the start, exit 2, the message names the
// file, the line and the key (and not the value).
TEST(ConfigFileBinary, BadKeyFailsStartNamingIt) {
  const std::string bin = ghl::testing::Env("GHL_BINARY_DIR") + "/server/ghl-gateway";
  const std::string path = WriteTemp("start.conf", "listen = 127.0.0.1:0\nworkers = 2\nwrokers = s3cr3t-ish\n");
  const std::string log = ::testing::TempDir() + "/start.log";
  ghl::testing::Subprocess gateway({bin, "--config", path}, log);
  EXPECT_EQ(gateway.Wait(), 2);
  const std::string out = ghl::testing::ReadFile(log);
  EXPECT_THAT(out, HasSubstr("ghl-gateway: " + path + ":3: wrokers: unknown key"));
  EXPECT_THAT(out, Not(HasSubstr("s3cr3t")));
  EXPECT_THAT(out, Not(HasSubstr("listening")));

  // --help names the config key of each option.
  const std::string help_log = ::testing::TempDir() + "/help.log";
  ghl::testing::Subprocess help({bin, "--help"}, help_log);
  EXPECT_EQ(help.Wait(), 0);
  EXPECT_THAT(ghl::testing::ReadFile(help_log), HasSubstr("--workers (GHL_GATEWAY_WORKERS) [config: workers]"));
}

}  // namespace
}  // namespace ghl::server
