// LocationDiagnostics against a scripted transport: credential present or
// absent, the live read (ok, 401, 404 with GHL's trace id), the rate-limit
// headers, the webhook provider, and a bad request.
#include "server/diagnostics_service_impl.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/support/fake_http_transport.h"
#include "tests/support/status_matchers.h"

namespace ghl::server {
namespace {

namespace v1 = ::ghl::contacts::v1;
using ::ghl::testing::FakeHttpTransport;
using ::ghl::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

const std::map<std::string, std::string> kHeaders = {
    {"x-ratelimit-max", "100"},           {"x-ratelimit-remaining", "97"},
    {"x-ratelimit-interval-milliseconds", "10000"}, {"x-ratelimit-limit-daily", "200000"},
    {"x-ratelimit-daily-remaining", "199000"}};

WebhookStatusProvider Listening(int64_t events) {
  return [events](const std::string& location) {
    WebhookStatus w;
    w.configured = true;
    w.reachable = true;
    w.url = "https://gw.example/webhooks/ghl";
    w.events_logged = location == "LOC1" ? events : 0;
    w.last_event_time = absl::FromUnixSeconds(1700000000);
    return w;
  };
}

class DiagnosticsTest : public ::testing::Test {
 protected:
  LocationDiagnostics Make(WebhookStatusProvider webhooks = nullptr) {
    return LocationDiagnostics(transport_, "http://ghl.test/", tokens_, absl::Seconds(5), std::move(webhooks));
  }
  v1::CheckLocationRequest Request(std::string location, std::string contact = "") {
    v1::CheckLocationRequest r;
    r.set_location_id(std::move(location));
    r.set_contact_id(std::move(contact));
    return r;
  }
  std::shared_ptr<FakeHttpTransport> transport_ = std::make_shared<FakeHttpTransport>();
  std::shared_ptr<auth::TokenSource> tokens_ =
      std::make_shared<auth::StaticTokenSource>(std::map<std::string, std::string>{{"LOC1", "s3cr3t-pit"}});
};

TEST_F(DiagnosticsTest, HealthyLocationReadsOneContactBySearch) {
  transport_->AddResponse(200, R"({"contacts":[{"id":"c1","firstName":"Ada","locationId":"LOC1"}],"total":5})",
                          kHeaders);
  auto r = Make(Listening(3)).Check(Request("LOC1"), {});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->credential().present());
  EXPECT_EQ(r->credential().kind(), "private-integration");
  EXPECT_THAT(r->credential().scopes(), IsEmpty());
  EXPECT_FALSE(r->credential().has_expire_time());
  EXPECT_TRUE(r->credential().read_ok());
  EXPECT_EQ(r->contact().id(), "c1");
  EXPECT_EQ(r->contact().first_name(), "Ada");
  EXPECT_TRUE(r->rate_limit().reported());
  EXPECT_EQ(r->rate_limit().max(), 100);
  EXPECT_EQ(r->rate_limit().remaining(), 97);
  EXPECT_EQ(r->rate_limit().interval_ms(), 10000);
  EXPECT_EQ(r->rate_limit().daily_limit(), 200000);
  EXPECT_EQ(r->rate_limit().daily_remaining(), 199000);
  EXPECT_TRUE(r->webhook().configured());
  EXPECT_EQ(r->webhook().events_logged(), 3);
  EXPECT_EQ(r->webhook().last_event_time().seconds(), 1700000000);
  EXPECT_THAT(r->problems(), IsEmpty());
  ASSERT_EQ(transport_->requests().size(), 1u);
  const auto sent = transport_->requests()[0];
  EXPECT_EQ(sent.method, "POST");
  EXPECT_EQ(sent.url, "http://ghl.test/contacts/search");
  EXPECT_EQ(sent.body, R"({"locationId":"LOC1","pageLimit":1})");
  EXPECT_EQ(sent.timeout, absl::Seconds(5));
}

TEST_F(DiagnosticsTest, GivenContactIsFetchedByIdAndLowHeadroomIsAProblem) {
  auto low = kHeaders;
  low["x-ratelimit-remaining"] = "3";
  low["x-ratelimit-daily-remaining"] = "12";
  transport_->AddResponse(200, R"({"contact":{"id":"c9","email":"a@b.co"}})", low);
  auto r = Make(Listening(1)).Check(Request("LOC1", "c9"), {});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(transport_->requests()[0].method, "GET");
  EXPECT_EQ(transport_->requests()[0].url, "http://ghl.test/contacts/c9");
  EXPECT_EQ(r->contact().email(), "a@b.co");
  EXPECT_THAT(r->problems(),
              ElementsAre(HasSubstr("Rate-limit headroom is low: 3 of 100 requests left"),
                          HasSubstr("Daily rate-limit headroom is low: 12 of 200000")));
}

TEST_F(DiagnosticsTest, AbsentCredentialMakesNoUpstreamCall) {
  auto r = Make().Check(Request("LOC2"), {});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_FALSE(r->credential().present());
  EXPECT_FALSE(r->credential().read_ok());
  EXPECT_FALSE(r->rate_limit().reported());
  EXPECT_FALSE(r->has_contact());
  EXPECT_THAT(r->problems(), ElementsAre(HasSubstr("holds no credential for location LOC2"),
                                         HasSubstr("No webhook listener is configured")));
  EXPECT_THAT(transport_->requests(), IsEmpty());
}

TEST_F(DiagnosticsTest, UnauthorizedReadIsAProblemWithGhlsMessageNotTheToken) {
  transport_->AddResponse(401, R"({"statusCode":401,"message":"Invalid JWT s3cr3t-pit","traceId":"tr-401"})",
                          kHeaders);
  auto r = Make(Listening(2)).Check(Request("LOC1"), {});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->credential().present());
  EXPECT_FALSE(r->credential().read_ok());
  EXPECT_FALSE(r->has_contact());
  EXPECT_TRUE(r->rate_limit().reported());  // headers of the failed answer
  EXPECT_EQ(r->rate_limit().remaining(), 97);
  ASSERT_EQ(r->problems_size(), 1);
  EXPECT_THAT(r->problems(0), HasSubstr("Reading a contact of location LOC1 failed: GHL HTTP 401"));
  EXPECT_THAT(r->problems(0), HasSubstr("tr-401"));
  EXPECT_THAT(r->problems(0), Not(HasSubstr("s3cr3t")));
}

TEST_F(DiagnosticsTest, MissingContactIsAProblemWithTraceId) {
  transport_->AddResponse(404, R"({"statusCode":404,"message":"Contact not found"})",
                          {{"x-request-id", "tr-404"}});
  auto r = Make(Listening(2)).Check(Request("LOC1", "gone"), {});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_FALSE(r->credential().read_ok());
  EXPECT_FALSE(r->rate_limit().reported());
  ASSERT_EQ(r->problems_size(), 1);
  EXPECT_THAT(r->problems(0), HasSubstr("Reading contact gone of location LOC1 failed: GHL HTTP 404"));
  EXPECT_THAT(r->problems(0), HasSubstr("Contact not found"));
  EXPECT_THAT(r->problems(0), HasSubstr("tr-404"));
}

TEST_F(DiagnosticsTest, EmptyLocationReadsOkWithoutAContactAndUnreachableListener) {
  transport_->AddResponse(200, R"({"contacts":[],"total":0})", kHeaders);
  auto r = Make([](const std::string&) {
             WebhookStatus w;
             w.configured = true;
             w.url = "https://gw.example/hooks";
             return w;
           }).Check(Request("LOC1"), {});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->credential().read_ok());
  EXPECT_FALSE(r->has_contact());
  EXPECT_FALSE(r->webhook().has_last_event_time());
  EXPECT_THAT(r->problems(), ElementsAre(HasSubstr("https://gw.example/hooks did not answer")));
}

TEST_F(DiagnosticsTest, MalformedAnswerIsAProblem) {
  transport_->AddResponse(200, R"({"contacts":[{"id":)", {{"x-request-id", "tr-trunc"}});
  auto r = Make(Listening(1)).Check(Request("LOC1"), {});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_FALSE(r->credential().read_ok());
  ASSERT_EQ(r->problems_size(), 1);
  EXPECT_THAT(r->problems(0), HasSubstr("malformed JSON"));
  EXPECT_THAT(r->problems(0), HasSubstr("tr-trunc"));
}

TEST_F(DiagnosticsTest, BadRequestNamesTheField) {
  EXPECT_THAT(Make().Check(Request(""), {}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("location_id")));
  EXPECT_THAT(Make().Check(Request("LOC1", "a/b"), {}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("contact_id")));
  EXPECT_THAT(transport_->requests(), IsEmpty());
}

TEST(CredentialScopes, MissingReadScopeAndReauthorizationAreProblems) {
  class Described : public auth::TokenSource {
   public:
    absl::StatusOr<std::string> GetToken(absl::string_view) override { return std::string("t"); }
    std::vector<std::string> Locations() const override { return {"LOC1"}; }
    auth::CredentialDescription Describe(absl::string_view) const override {
      auth::CredentialDescription d;
      d.present = true;
      d.kind = "oauth-location";
      d.scopes = {"contacts.write"};
      d.expires_at = absl::FromUnixSeconds(1800000000);
      d.reauthorization_reason = "GHL refused the refresh token (invalid_grant)";
      return d;
    }
  };
  auto transport = std::make_shared<FakeHttpTransport>();
  transport->AddResponse(200, R"({"contacts":[]})");
  LocationDiagnostics diagnostics(transport, "http://ghl.test", std::make_shared<Described>(), absl::Seconds(5),
                                  Listening(1));
  v1::CheckLocationRequest request;
  request.set_location_id("LOC1");
  auto r = diagnostics.Check(request, {});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->credential().expire_time().seconds(), 1800000000);
  EXPECT_THAT(r->credential().scopes(), ElementsAre("contacts.write"));
  EXPECT_THAT(r->problems(), ElementsAre(HasSubstr("needs a new authorization"),
                                         HasSubstr("lacks the scope contacts.readonly")));
}

}  // namespace
}  // namespace ghl::server
