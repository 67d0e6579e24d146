// `ghlctl doctor` against an in-process fake DiagnosticsService (the
// gateway's is built elsewhere), and `ghlctl sync`'s usage errors: every
// check printed with ✓/✗, the contact next to its Rankr record, and each
// failure path's exit code and reason.
#include <cstdlib>
#include <sstream>

#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "client/ghlctl/commands.h"
#include "ghl/contacts/v1/diagnostics_service.grpc.pb.h"
#include "tests/support/subprocess.h"
#include "tests/unit/client/fake_clock.h"
#include "tests/unit/client/temp_dir.h"

namespace ghl::client::ghlctl {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
namespace v1 = ::ghl::contacts::v1;

class FakeDiagnostics final : public v1::DiagnosticsService::Service {
 public:
  grpc::Status CheckLocation(grpc::ServerContext*, const v1::CheckLocationRequest* request,
                             v1::CheckLocationResponse* response) override {
    last_request = *request;
    *response = answer;
    return grpc::Status::OK;
  }
  v1::CheckLocationRequest last_request;
  v1::CheckLocationResponse answer;
};

std::string MappingPath() {
  const char* src = std::getenv("GHL_SOURCE_DIR");
  return absl::StrCat(src == nullptr ? "." : src, "/client/mappings/rankr-contact.map");
}

class DoctorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    builder.RegisterService(&fake_);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    // A healthy location: OAuth token with both scopes, headroom, webhooks.
    v1::CheckLocationResponse& a = fake_.answer;
    a.mutable_credential()->set_present(true);
    a.mutable_credential()->set_kind("oauth-location");
    a.mutable_credential()->add_scopes("contacts.readonly");
    a.mutable_credential()->add_scopes("contacts.write");
    a.mutable_credential()->mutable_expire_time()->set_seconds(absl::ToUnixSeconds(absl::Now() + absl::Hours(20)));
    a.mutable_credential()->set_read_ok(true);
    a.mutable_rate_limit()->set_reported(true);
    a.mutable_rate_limit()->set_max(100);
    a.mutable_rate_limit()->set_remaining(97);
    a.mutable_rate_limit()->set_interval_ms(10000);
    a.mutable_rate_limit()->set_daily_limit(200000);
    a.mutable_rate_limit()->set_daily_remaining(199000);
    a.mutable_webhook()->set_configured(true);
    a.mutable_webhook()->set_reachable(true);
    a.mutable_webhook()->set_url("https://hooks.example.com/ghl/webhooks");
    a.mutable_webhook()->set_events_logged(12);
    v1::Contact* c = a.mutable_contact();
    c->set_id("0p6lxrDAGRSULCw5xK9W");
    c->set_name("Pattie Nienow");
    c->set_email(" Thora.Yundt@Hotmail.com");
    c->set_phone("+9713102459047");
    auto* score = c->add_custom_fields();
    score->set_id("YjfhkolJ64cbOyxZvVrs");
    score->set_number_value(31);
  }
  void TearDown() override { server_->Shutdown(); }

  int Doctor(std::vector<std::string> extra, int port = 0) {
    std::vector<std::string> args = {"--gateway", absl::StrCat("127.0.0.1:", port == 0 ? port_ : port), "doctor",
                                     "--location", "ve9EPM428h8vShlRW1KT"};
    args.insert(args.end(), extra.begin(), extra.end());
    return RunArgs(args);
  }
  int RunArgs(const std::vector<std::string>& args) {
    out_.str("");
    err_.str("");
    Console console{&in_, &out_, &err_, false};
    RunOptions options;
    options.clock = std::make_shared<testing::FakeClock>();
    options.env = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
    return ghl::client::ghlctl::Run(args, console, options);
  }

  FakeDiagnostics fake_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  std::istringstream in_;
  std::ostringstream out_, err_;
};

TEST_F(DoctorTest, AllChecksPassShowsContactBesideItsRankrRecord) {
  EXPECT_EQ(Doctor({"--contact", "0p6lxrDAGRSULCw5xK9W", "--mapping", MappingPath()}), kExitOk) << err_.str();
  EXPECT_EQ(fake_.last_request.contact_id(), "0p6lxrDAGRSULCw5xK9W");
  const std::string out = out_.str();
  EXPECT_THAT(out, HasSubstr("\u2713 credential present (oauth-location)"));
  EXPECT_THAT(out, HasSubstr("\u2713 scopes: contacts.readonly, contacts.write"));
  EXPECT_THAT(out, HasSubstr("\u2713 live read"));
  EXPECT_THAT(out, HasSubstr("\u2713 rate limit: 97/100 per 10000 ms, daily 199000/200000"));
  EXPECT_THAT(out, HasSubstr("\u2713 webhook configured: https://hooks.example.com/ghl/webhooks"));
  EXPECT_THAT(out, HasSubstr("\u2713 webhook listener reachable"));
  EXPECT_THAT(out, HasSubstr("12 events logged"));
  EXPECT_THAT(out, HasSubstr("-> \" Thora.Yundt@Hotmail.com\"  |  email -> \"thora.yundt@hotmail.com\""));
  EXPECT_THAT(out, HasSubstr("|  first_name -> \"Pattie\""));
  EXPECT_THAT(out, HasSubstr("-> 31  |  lead_score -> 31"));
  EXPECT_THAT(out, HasSubstr("all checks passed"));
  EXPECT_EQ(err_.str(), "");
}

TEST_F(DoctorTest, EveryProblemIsAReasonAndExitCode4) {
  fake_.answer.add_problems("GHL answered 401 to the live read");
  EXPECT_EQ(Doctor({}), kExitCheckFailed);
  EXPECT_THAT(err_.str(), HasSubstr("\u2717 GHL answered 401 to the live read"));

  fake_.answer.clear_problems();
  fake_.answer.mutable_credential()->clear_scopes();
  fake_.answer.mutable_credential()->add_scopes("contacts.readonly");
  EXPECT_EQ(Doctor({}), kExitCheckFailed);
  EXPECT_THAT(out_.str(), HasSubstr("\u2717 scopes: contacts.readonly"));
  EXPECT_THAT(err_.str(), HasSubstr("missing scope contacts.write"));

  fake_.answer.mutable_credential()->add_scopes("contacts.write");
  fake_.answer.mutable_rate_limit()->set_remaining(3);
  EXPECT_EQ(Doctor({}), kExitCheckFailed);
  EXPECT_THAT(err_.str(), HasSubstr("low rate-limit headroom (under 10% left)"));
  EXPECT_EQ(Doctor({"--min-headroom", "2"}), kExitOk) << err_.str();

  fake_.answer.mutable_credential()->set_present(false);
  fake_.answer.mutable_credential()->set_read_ok(false);
  fake_.answer.mutable_webhook()->set_reachable(false);
  EXPECT_EQ(Doctor({"--min-headroom", "2"}), kExitCheckFailed);
  EXPECT_THAT(err_.str(), HasSubstr("3 problems"));
  EXPECT_THAT(err_.str(), HasSubstr("no credential for the location"));
  EXPECT_THAT(err_.str(), HasSubstr("a live read with the credential failed"));
  EXPECT_THAT(err_.str(), HasSubstr("the webhook listener did not answer"));
}

TEST_F(DoctorTest, MappingWarningsOnTheContactFail) {
  fake_.answer.mutable_contact()->set_phone("call reception");
  EXPECT_EQ(Doctor({"--mapping", MappingPath()}), kExitCheckFailed);
  EXPECT_THAT(out_.str(), HasSubstr("|  phone -> null"));
  EXPECT_THAT(err_.str(), HasSubstr("mapping warning on phone: phone: e164"));
  EXPECT_THAT(err_.str(), Not(HasSubstr("call reception")));
}

// A custom field named by key with no `key` line never matches GHL's
// answers (ids only): the field would be null on every contact.
TEST_F(DoctorTest, CustomFieldKeyWithoutKeyLineFails) {
  testing::TempDir dir;
  std::ofstream(dir.File("k.map")) << "email -> email string\n"
                                   << "customField.key:contact.lead_score -> lead_score int\n";
  EXPECT_EQ(Doctor({"--mapping", dir.File("k.map")}), kExitCheckFailed);
  EXPECT_THAT(err_.str(), HasSubstr("customField.key:contact.lead_score has no 'key contact.lead_score <id>' line"));
  std::ofstream(dir.File("declared.map")) << "key contact.lead_score YjfhkolJ64cbOyxZvVrs\n"
                                          << "email -> email string\n"
                                          << "customField.key:contact.lead_score -> lead_score int\n";
  err_.str("");
  EXPECT_EQ(Doctor({"--mapping", dir.File("declared.map")}), kExitOk) << err_.str();
}

TEST_F(DoctorTest, UnreachableGatewayBadMappingAndUsage) {
  EXPECT_EQ(Doctor({"--timeout", "2s"}, ghl::testing::FreePort()), kExitRpcError);
  EXPECT_THAT(err_.str(), HasSubstr("error: UNAVAILABLE"));
  EXPECT_THAT(err_.str(), HasSubstr("unreachable"));

  testing::TempDir dir;
  std::ofstream(dir.File("bad.map")) << "email -> email string\nfax -> fax string\n";
  EXPECT_EQ(Doctor({"--mapping", dir.File("bad.map")}), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("bad.map:2: fax: unknown GHL field 'fax'"));
  EXPECT_EQ(Doctor({"--min-headroom", "200"}), kExitUsage);
  EXPECT_EQ(RunArgs({"doctor"}), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("--location is required"));
}

TEST_F(DoctorTest, SyncUsageErrorsNameTheFlag) {
  const std::vector<std::string> base = {"sync", "--location", "L", "--mapping", MappingPath(), "--state", "s.json"};
  auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = base;
    args.insert(args.end(), extra.begin(), extra.end());
    return RunArgs(args);
  };
  EXPECT_EQ(with({"--sink", "csv:x"}), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("--sink 'csv:x': expected jsonl:PATH or sqlite:PATH"));
  EXPECT_EQ(with({"--sink", "jsonl:x", "--every", "soon"}), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("--every: 'soon' is not a positive duration"));
  EXPECT_EQ(with({"--sink", "jsonl:x", "--every", "inf"}), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("--every: 'inf' is not a positive duration"));
  EXPECT_EQ(with({"--sink", "jsonl:x", "--overlap", "inf"}), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("--overlap: 'inf' is not a duration"));
  EXPECT_EQ(with({"--sink", "jsonl:x", "--every", "1h", "--once"}), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("--once and --every exclude each other"));
  EXPECT_EQ(with({"--sink", "jsonl:x", "--page-size", "0"}), kExitUsage);
  EXPECT_EQ(with({}), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("--sink is required"));
  EXPECT_EQ(RunArgs({"sync", "--help"}), kExitOk);
  EXPECT_THAT(out_.str(), HasSubstr("Usage: ghlctl sync"));
}

}  // namespace
}  // namespace ghl::client::ghlctl
