// Conformance: the gateway's traffic checked against the official spec by
// Stoplight Prism. (1) `prism proxy --errors` between the gateway and
// ghl-sandbox: any request or response that breaks apps/contacts.json fails
// the call, and any warning or error Prism logs fails the test. (2) the
// gateway against `prism mock`: responses only the spec generated.
//
// The proxy run uses a generated location, because the spec types
// customFields[].value as a string while GHL (and the demo dataset) send
// numbers and arrays for numeric and multi-option fields; the demo data is
// exercised directly in gateway_integration_test.
#include <set>
#include <thread>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "adapters/ghl/http/curl_http_transport.h"
#include "tests/integration/stack.h"

namespace ghl::testing {
namespace {

using ::ghl::contacts::v1::Contact;
using ::ghl::contacts::v1::CreateContactRequest;
using ::ghl::contacts::v1::DeleteContactRequest;
using ::ghl::contacts::v1::GetContactRequest;
using ::ghl::contacts::v1::ListContactsRequest;
using ::ghl::contacts::v1::UpdateContactRequest;
using ::testing::HasSubstr;

void RequirePrism() {
  if (!PrismBin().empty() && access(PrismBin().c_str(), X_OK) == 0) return;
  if (PrismRequired()) FAIL() << "GHL_PRISM_BIN is not an executable Prism (" << PrismBin() << ")";
  GTEST_SKIP() << "Prism not installed (run tools/install-deps); set GHL_PRISM_BIN";
}

// Lines of Prism's log that report a problem with our traffic.
std::vector<std::string> PrismProblems(const std::string& log) {
  std::vector<std::string> out;
  for (absl::string_view line : absl::StrSplit(log, '\n')) {
    // Prism marks problems with these; plain words would also match the
    // lorem-ipsum example paths it lists at start-up.
    const bool validator_complaint =
        absl::StrContains(line, "[VALIDATOR]") && !absl::StrContains(line, "\u2714");
    if (validator_complaint || absl::StrContains(line, "\u2716") ||
        absl::StrContains(line, "\u26a0") || absl::StrContains(line, "Violation")) {
      out.emplace_back(line);
    }
  }
  return out;
}

TEST(PrismProxy, GatewayTrafficConformsToTheSpec) {
  RequirePrism();
  StackOptions o;
  o.demo_data = false;
  o.generated_contacts = 1234;
  o.prism_proxy = true;
  o.rate_limit_max = 1000000;
  Stack stack(o);
  ASSERT_EQ(stack.error(), "");

  ListContactsRequest list;
  list.set_location_id(kDemoLocation);
  Listing listing = ListAll(stack.stub(), list);
  ASSERT_TRUE(listing.status.ok()) << listing.status.error_message() << "\n" << stack.prism_log();
  std::set<std::string> unique(listing.ids.begin(), listing.ids.end());
  EXPECT_EQ(listing.ids.size(), 1234u);
  EXPECT_EQ(unique.size(), 1234u);
  EXPECT_EQ(listing.pages.size(), 13u);

  CreateContactRequest create;
  create.set_location_id(kDemoLocation);
  Contact* c = create.mutable_contact();
  c->set_first_name("Ana");
  c->set_last_name("Conformance");
  c->set_email("ana.conformance@example.com");
  c->set_phone("+14155550123");
  c->add_tags("a, b");
  c->set_timezone("America/Chicago");
  // The spec's custom field input schemas require `id` (writing by `key`
  // alone breaks CreateContactDto), so conformant callers write by id.
  auto* cf = c->add_custom_fields();
  cf->set_id("6RxMzAw9qfSJNlhsjOee");  // contact.industry in the demo definitions
  cf->set_string_value("Retail");
  auto* dnd = c->mutable_dnd_settings()->mutable_sms();
  dnd->set_status(ghl::contacts::v1::DND_STATUS_ACTIVE);
  Contact created;
  {
    grpc::ClientContext ctx;
    auto s = stack.stub().CreateContact(&ctx, create, &created);
    ASSERT_TRUE(s.ok()) << s.error_message() << "\n" << stack.prism_log();
  }
  GetContactRequest get;
  get.set_location_id(kDemoLocation);
  get.set_contact_id(created.id());
  Contact fetched;
  {
    grpc::ClientContext ctx;
    auto s = stack.stub().GetContact(&ctx, get, &fetched);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  UpdateContactRequest update;
  update.set_location_id(kDemoLocation);
  update.mutable_contact()->set_id(created.id());
  update.mutable_contact()->set_city("Zürich");
  update.mutable_contact()->add_tags("renewed");
  update.mutable_update_mask()->add_paths("city");
  update.mutable_update_mask()->add_paths("tags");
  update.mutable_update_mask()->add_paths("website");  // cleared with null
  {
    grpc::ClientContext ctx;
    Contact out;
    auto s = stack.stub().UpdateContact(&ctx, update, &out);
    ASSERT_TRUE(s.ok()) << s.error_message() << "\n" << stack.prism_log();
    EXPECT_EQ(out.city(), "Zürich");
  }
  {
    DeleteContactRequest del;
    del.set_location_id(kDemoLocation);
    del.set_contact_id(created.id());
    grpc::ClientContext ctx;
    google::protobuf::Empty empty;
    auto s = stack.stub().DeleteContact(&ctx, del, &empty);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  {
    // A documented error: 422 with GHL's list of messages.
    CreateContactRequest bad;
    bad.set_location_id(kDemoLocation);
    bad.mutable_contact()->set_email("not-an-email");
    grpc::ClientContext ctx;
    Contact out;
    auto s = stack.stub().CreateContact(&ctx, bad, &out);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(s.error_message(), HasSubstr("email must be an email"));
  }
  {
    // A documented error: 401 with GHL's body, from a gateway holding a bad token.
    ghl::server::GatewayConfig gc;
    gc.listen = "127.0.0.1:0";
    gc.upstream = stack.upstream();
    gc.tokens = {{kDemoLocation, "pit-test-wrong-token-3c1e"}};
    auto gateway = ghl::server::Gateway::Start(gc);
    ASSERT_TRUE(gateway.ok());
    auto stub = ghl::contacts::v1::ContactsService::NewStub(
        grpc::CreateChannel((*gateway)->address(), grpc::InsecureChannelCredentials()));
    grpc::ClientContext ctx;
    Contact out;
    auto s = stub->GetContact(&ctx, get, &out);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED) << s.error_message();
  }
  // Prism logs asynchronously; give it a moment before reading the verdicts.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_THAT(PrismProblems(stack.prism_log()), ::testing::IsEmpty());

  // Negative control: a request that breaks the spec (a custom field by key
  // only) must be caught, or the check above proves nothing.
  auto transport = ghl::http::MakeCurlHttpTransport();
  ghl::http::HttpRequest bad;
  bad.method = "POST";
  bad.url = stack.upstream() + "/contacts/";
  bad.headers = {{"Authorization", std::string("Bearer ") + kFullToken},
                 {"Version", "2021-07-28"},
                 {"Content-Type", "application/json"}};
  bad.body = R"({"locationId":"ve9EPM428h8vShlRW1KT","customFields":[{"key":"contact.industry","field_value":"Retail"}]})";
  auto answer = transport->Send(bad);
  ASSERT_TRUE(answer.ok());
  EXPECT_EQ(answer->status_code, 422);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_THAT(PrismProblems(stack.prism_log()), ::testing::Not(::testing::IsEmpty()));
}

// The demo location through Prism without --errors: the only deviations
// from the spec Prism may report are customFields[].value being a number or
// an array (the spec says string; GHL and the dataset send typed values).
// Anything else is a real violation and fails.
TEST(PrismProxy, DemoDataDeviatesOnlyInCustomFieldValueTypes) {
  RequirePrism();
  StackOptions o;
  o.prism_proxy = true;
  o.prism_errors = false;
  o.rate_limit_max = 1000000;
  Stack stack(o);
  ASSERT_EQ(stack.error(), "");
  ListContactsRequest list;
  list.set_location_id(kDemoLocation);
  Listing listing = ListAll(stack.stub(), list);
  ASSERT_TRUE(listing.status.ok()) << listing.status.error_message();
  EXPECT_EQ(listing.ids.size(), 5000u);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  int custom_value_violations = 0;
  for (const std::string& line : PrismProblems(stack.prism_log())) {
    if (absl::StrContains(line, "did not pass the validation rules")) continue;  // per-response summary
    const bool expected = absl::StrContains(line, ".customFields.") && absl::StrContains(line, ".value") &&
                          absl::StrContains(line, "must be string");
    EXPECT_TRUE(expected) << "unexpected spec violation: " << line;
    custom_value_violations += expected;
  }
  EXPECT_GT(custom_value_violations, 0) << "the check saw nothing; is Prism validating?";
}

TEST(PrismMock, GatewayWorksOnResponsesOnlyTheSpecGenerated) {
  RequirePrism();
  const int port = FreePort();
  Subprocess mock({PrismBin(), "mock", SharedDir() + "/ghl-api/apps/contacts.json", "-p", absl::StrCat(port),
                   "-h", "127.0.0.1"},
                  ::testing::TempDir() + absl::StrCat("/prism-mock-", port, ".log"));
  ASSERT_TRUE(WaitForPort(port, std::chrono::seconds(60))) << mock.log();
  ghl::server::GatewayConfig gc;
  gc.listen = "127.0.0.1:0";
  gc.upstream = absl::StrCat("http://127.0.0.1:", port);
  gc.retry_max_attempts = 1;
  // The spec's examples belong to this location.
  gc.tokens = {{kDemoLocation, "pit-test-mock-token"}};
  auto gateway = ghl::server::Gateway::Start(gc);
  ASSERT_TRUE(gateway.ok());
  auto stub = ghl::contacts::v1::ContactsService::NewStub(
      grpc::CreateChannel((*gateway)->address(), grpc::InsecureChannelCredentials()));

  GetContactRequest get;
  get.set_location_id(kDemoLocation);
  get.set_contact_id("ocQHyuzHvysMo5N5VsXc");
  Contact got;
  {
    grpc::ClientContext ctx;
    auto s = stub->GetContact(&ctx, get, &got);
    ASSERT_TRUE(s.ok()) << s.error_message() << "\n" << mock.log();
  }
  EXPECT_FALSE(got.id().empty());
  EXPECT_TRUE(got.has_date_added());

  ListContactsRequest list;
  list.set_location_id(kDemoLocation);
  Listing listing = ListAll(*stub, list);
  ASSERT_TRUE(listing.status.ok()) << listing.status.error_message() << "\n" << mock.log();
  ASSERT_EQ(listing.pages.size(), 1u);
  EXPECT_TRUE(listing.pages[0].last_page());
  EXPECT_GT(listing.pages[0].contacts_size(), 0);

  CreateContactRequest create;
  create.set_location_id(kDemoLocation);
  create.mutable_contact()->set_first_name("Rosan");
  create.mutable_contact()->set_email("rosan@deos.com");
  create.mutable_contact()->add_tags("nisi sint commodo amet");
  Contact created;
  {
    grpc::ClientContext ctx;
    auto s = stub->CreateContact(&ctx, create, &created);
    ASSERT_TRUE(s.ok()) << s.error_message() << "\n" << mock.log();
  }
  EXPECT_FALSE(created.id().empty());
}

}  // namespace
}  // namespace ghl::testing
