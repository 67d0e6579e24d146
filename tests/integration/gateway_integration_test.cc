// The gateway end to end against ghl-sandbox loaded with the demo location:
// export, CRUD, every error path, the 429 storm, resume tokens.
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <atomic>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "adapters/ghl/contacts/contact_mapping.h"
#include "ghl/rpc/v1/error_details.pb.h"
#include "tests/integration/stack.h"

namespace ghl::testing {
namespace {

using ::ghl::contacts::v1::Contact;
using ::ghl::contacts::v1::CreateContactRequest;
using ::ghl::contacts::v1::DeleteContactRequest;
using ::ghl::contacts::v1::GetContactRequest;
using ::ghl::contacts::v1::ListContactsRequest;
using ::ghl::contacts::v1::UpdateContactRequest;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// The demo dataset, id -> JSON line.
const std::map<std::string, std::string>& DemoContacts() {
  static const auto* contacts = [] {
    auto* m = new std::map<std::string, std::string>();
    std::ifstream in(SharedDir() + "/data/location-demo/contacts.jsonl");
    std::string line;
    while (std::getline(in, line)) {
      rapidjson::Document d;
      d.Parse(line.data(), line.size());
      (*m)[d["id"].GetString()] = line;
    }
    return m;
  }();
  return *contacts;
}

// JSON equality that treats an absent array like an empty one (the mapping
// always writes tags/customFields/followers).
bool JsonEqual(const rapidjson::Value& a, const rapidjson::Value& b) {
  if (a.IsObject() && b.IsObject()) {
    auto covered = [](const rapidjson::Value& x, const rapidjson::Value& y) {
      for (auto& m : x.GetObject()) {
        auto it = y.FindMember(m.name);
        if (it == y.MemberEnd()) {
          if (m.value.IsArray() && m.value.Empty()) continue;
          return false;
        }
      }
      return true;
    };
    if (!covered(a, b) || !covered(b, a)) return false;
    for (auto& m : a.GetObject()) {
      auto it = b.FindMember(m.name);
      if (it != b.MemberEnd() && !JsonEqual(m.value, it->value)) return false;
    }
    return true;
  }
  if (a.IsNumber() && b.IsNumber()) return a.GetDouble() == b.GetDouble();
  if (a.IsArray() && b.IsArray()) {
    if (a.Size() != b.Size()) return false;
    for (rapidjson::SizeType i = 0; i < a.Size(); ++i) {
      if (!JsonEqual(a[i], b[i])) return false;
    }
    return true;
  }
  return a == b;
}

class GatewayTest : public ::testing::Test {
 protected:
  // One stack for the suite; its rate limit is lifted so the order of tests
  // does not matter (the limit itself is tested below with its own stacks).
  static void SetUpTestSuite() {
    StackOptions o;
    o.rate_limit_max = 1000000;
    stack_ = new Stack(o);
  }
  static void TearDownTestSuite() {
    delete stack_;
    stack_ = nullptr;
  }
  void SetUp() override { ASSERT_EQ(stack_->error(), ""); }
  ghl::contacts::v1::ContactsService::Stub& stub() { return stack_->stub(); }
  static Stack* stack_;
};
Stack* GatewayTest::stack_ = nullptr;

TEST_F(GatewayTest, ExportYieldsEveryDemoContactOnceWithEveryField) {
  ListContactsRequest request;
  request.set_location_id(kDemoLocation);
  Listing listing = ListAll(stub(), request);
  ASSERT_TRUE(listing.status.ok()) << listing.status.error_message();
  EXPECT_EQ(listing.pages.size(), 50u);
  EXPECT_TRUE(listing.pages.back().last_page());
  EXPECT_EQ(listing.pages.front().total_size(), 5000);
  std::set<std::string> unique(listing.ids.begin(), listing.ids.end());
  EXPECT_EQ(listing.ids.size(), 5000u);
  EXPECT_EQ(unique.size(), 5000u);
  const auto& demo = DemoContacts();
  ASSERT_EQ(demo.size(), 5000u);
  int mismatches = 0;
  for (const auto& page : listing.pages) {
    for (const auto& c : page.contacts()) {
      auto it = demo.find(c.id());
      ASSERT_NE(it, demo.end()) << c.id();
      rapidjson::Document want, got;
      want.Parse(it->second.c_str());
      const std::string text = ghl::contacts::ContactToJsonString(c);
      got.Parse(text.c_str());
      if (!JsonEqual(want, got) && ++mismatches <= 3) {
        ADD_FAILURE() << "contact differs from the sandbox's\nwant " << it->second << "\ngot  " << text;
      }
    }
  }
  EXPECT_EQ(mismatches, 0);
}

TEST_F(GatewayTest, ResumeTokenContinuesWithNoLossOrRepeat) {
  ListContactsRequest request;
  request.set_location_id(kDemoLocation);
  request.set_page_size(37);
  Listing first = ListAll(stub(), request, 5);
  ASSERT_EQ(first.pages.size(), 5u);
  request.set_resume_token(first.pages.back().resume_token());
  Listing rest = ListAll(stub(), request);
  ASSERT_TRUE(rest.status.ok()) << rest.status.error_message();
  EXPECT_EQ(rest.pages.front().page_number(), 6);
  std::set<std::string> all(first.ids.begin(), first.ids.end());
  for (const auto& id : rest.ids) EXPECT_TRUE(all.insert(id).second) << "repeated " << id;
  EXPECT_EQ(all.size(), 5000u);
  // A token from after the last page gives one empty last page.
  request.set_resume_token(rest.pages.back().resume_token());
  Listing after = ListAll(stub(), request);
  EXPECT_TRUE(after.status.ok());
  ASSERT_EQ(after.pages.size(), 1u);
  EXPECT_TRUE(after.pages[0].last_page());
  EXPECT_EQ(after.pages[0].contacts_size(), 0);
}

TEST_F(GatewayTest, ReadMaskKeepsOnlyNamedFields) {
  ListContactsRequest request;
  request.set_location_id(kDemoLocation);
  request.set_page_size(3);
  request.mutable_read_mask()->add_paths("email");
  Listing one = ListAll(stub(), request, 1);
  ASSERT_FALSE(one.pages.empty());
  const Contact& c = one.pages[0].contacts(0);
  EXPECT_FALSE(c.id().empty());
  EXPECT_FALSE(c.has_first_name());
  EXPECT_EQ(c.tags_size(), 0);

  GetContactRequest get;
  get.set_location_id(kDemoLocation);
  get.set_contact_id(c.id());
  get.mutable_read_mask()->add_paths("first_name");
  get.mutable_read_mask()->add_paths("tags");
  Contact got;
  grpc::ClientContext ctx;
  ASSERT_TRUE(stub().GetContact(&ctx, get, &got).ok());
  EXPECT_TRUE(got.has_first_name());
  EXPECT_FALSE(got.has_email());
}

TEST_F(GatewayTest, CrudRoundTrip) {
  CreateContactRequest create;
  create.set_location_id(kDemoLocation);
  Contact* c = create.mutable_contact();
  c->set_first_name("Zoë");
  c->set_last_name("Ōtsuka-Nguyễn");
  c->set_email("zoe.crud.roundtrip@example.com");
  c->add_tags("vip, gold");
  c->add_tags("  spaced  ");
  auto* cf = c->add_custom_fields();
  cf->set_key("contact.industry");
  cf->set_string_value("SaaS");
  Contact created;
  {
    grpc::ClientContext ctx;
    auto s = stub().CreateContact(&ctx, create, &created);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  ASSERT_FALSE(created.id().empty());
  EXPECT_EQ(created.first_name(), "Zoë");
  EXPECT_THAT(created.tags(), ::testing::ElementsAre("vip, gold", "  spaced  "));

  GetContactRequest get;
  get.set_location_id(kDemoLocation);
  get.set_contact_id(created.id());
  Contact fetched;
  {
    grpc::ClientContext ctx;
    ASSERT_TRUE(stub().GetContact(&ctx, get, &fetched).ok());
  }
  EXPECT_EQ(fetched.last_name(), "Ōtsuka-Nguyễn");
  ASSERT_EQ(fetched.custom_fields_size(), 1);
  EXPECT_EQ(fetched.custom_fields(0).string_value(), "SaaS");

  UpdateContactRequest update;
  update.set_location_id(kDemoLocation);
  update.mutable_contact()->set_id(created.id());
  update.mutable_contact()->set_first_name("Zoé");
  update.mutable_contact()->add_tags("renewed");
  update.mutable_update_mask()->add_paths("first_name");
  update.mutable_update_mask()->add_paths("tags");
  update.mutable_update_mask()->add_paths("email");  // unset + nullable: clears it
  Contact updated;
  {
    grpc::ClientContext ctx;
    auto s = stub().UpdateContact(&ctx, update, &updated);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  {
    grpc::ClientContext ctx;
    ASSERT_TRUE(stub().GetContact(&ctx, get, &fetched).ok());
  }
  EXPECT_EQ(fetched.first_name(), "Zoé");
  EXPECT_EQ(fetched.last_name(), "Ōtsuka-Nguyễn");  // not in the mask: untouched
  EXPECT_THAT(fetched.tags(), ::testing::ElementsAre("renewed"));
  EXPECT_FALSE(fetched.has_email());

  DeleteContactRequest del;
  del.set_location_id(kDemoLocation);
  del.set_contact_id(created.id());
  google::protobuf::Empty empty;
  {
    grpc::ClientContext ctx;
    ASSERT_TRUE(stub().DeleteContact(&ctx, del, &empty).ok());
  }
  {
    grpc::ClientContext ctx;
    auto s = stub().GetContact(&ctx, get, &fetched);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
    EXPECT_THAT(s.error_message(), AllOf(HasSubstr("GHL HTTP 404"), HasSubstr("traceId")));
  }
  {
    grpc::ClientContext ctx;  // a second delete is NOT_FOUND, not a silent success
    EXPECT_EQ(stub().DeleteContact(&ctx, del, &empty).error_code(), grpc::StatusCode::NOT_FOUND);
  }
}

TEST_F(GatewayTest, InvalidArgumentsNameTheFieldAndNeverReachUpstream) {
  const int64_t before = stack_->sandbox().Stats().requests;
  struct Case {
    std::function<grpc::Status()> call;
    std::string field;
  };
  auto get = [this](std::string loc, std::string id, std::string mask) {
    return [this, loc, id, mask] {
      GetContactRequest r;
      r.set_location_id(loc);
      r.set_contact_id(id);
      if (!mask.empty()) r.mutable_read_mask()->add_paths(mask);
      Contact out;
      grpc::ClientContext ctx;
      return stub().GetContact(&ctx, r, &out);
    };
  };
  auto list = [this](std::function<void(ListContactsRequest*)> edit) {
    return [this, edit] {
      ListContactsRequest r;
      r.set_location_id(kDemoLocation);
      edit(&r);
      return ListAll(stub(), r).status;
    };
  };
  std::vector<Case> cases = {
      {get("", "abc", ""), "location_id"},
      {get(kDemoLocation, "", ""), "contact_id"},
      {get(kDemoLocation, "../../oauth/token", ""), "contact_id"},
      {get(kDemoLocation, "abc", "no_such_field"), "read_mask"},
      {list([](ListContactsRequest* r) { r->set_page_size(101); }), "page_size"},
      {list([](ListContactsRequest* r) { r->set_resume_token("garbage!"); }), "resume_token"},
      {list([](ListContactsRequest* r) { r->set_location_id("a b"); }), "location_id"},
      {[this] {
         UpdateContactRequest r;
         r.set_location_id(kDemoLocation);
         r.mutable_contact()->set_id("abc");
         Contact out;
         grpc::ClientContext ctx;
         return stub().UpdateContact(&ctx, r, &out);
       },
       "update_mask"},
      {[this] {
         UpdateContactRequest r;
         r.set_location_id(kDemoLocation);
         r.mutable_contact()->set_id("abc");
         r.mutable_update_mask()->add_paths("date_added");
         Contact out;
         grpc::ClientContext ctx;
         return stub().UpdateContact(&ctx, r, &out);
       },
       "date_added"},
  };
  for (const auto& c : cases) {
    grpc::Status s = c.call();
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << c.field << ": " << s.error_message();
    EXPECT_THAT(s.error_message(), HasSubstr(c.field));
  }
  EXPECT_EQ(stack_->sandbox().Stats().requests, before);
}

TEST_F(GatewayTest, UpstreamErrorsMapWithGhlMessageAndTrace) {
  // 404
  GetContactRequest get;
  get.set_location_id(kDemoLocation);
  get.set_contact_id("doesNotExist00000000");
  Contact out;
  {
    grpc::ClientContext ctx;
    auto s = stub().GetContact(&ctx, get, &out);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
    EXPECT_THAT(s.error_message(), AllOf(HasSubstr("Contact not found"), HasSubstr("traceId:")));
  }
  // 422: every message item surfaces
  CreateContactRequest create;
  create.set_location_id(kDemoLocation);
  create.mutable_contact()->set_email("not-an-email");
  {
    grpc::ClientContext ctx;
    auto s = stub().CreateContact(&ctx, create, &out);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(s.error_message(), AllOf(HasSubstr("GHL HTTP 422"), HasSubstr("email must be an email")));
  }
  // 403: the token is not for that location
  get.set_location_id(kReadOnlyLocation);
  {
    grpc::ClientContext ctx;
    ListContactsRequest r;
    r.set_location_id(kReadOnlyLocation);
    auto s = ListAll(stub(), r).status;
    EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << s.error_message();
  }
  // A location the gateway holds no credential for
  {
    ListContactsRequest r;
    r.set_location_id("UnknownLocation0001");
    auto s = ListAll(stub(), r).status;
    EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
    EXPECT_THAT(s.error_message(), HasSubstr("UnknownLocation0001"));
  }
}

TEST(GatewayErrors, BadTokenIsUnauthenticatedAndNeverEchoed) {
  StackOptions o;
  o.gateway_token = "pit-test-wrong-token-91d2";
  Stack stack(o);
  ASSERT_EQ(stack.error(), "");
  ListContactsRequest r;
  r.set_location_id(kDemoLocation);
  auto s = ListAll(stack.stub(), r).status;
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(s.error_message(), HasSubstr("Invalid token"));
  EXPECT_THAT(s.error_message(), ::testing::Not(HasSubstr("pit-test-wrong-token-91d2")));
}

TEST(GatewayErrors, ReadOnlyTokenCannotWrite) {
  StackOptions o;
  o.gateway_token = kReadOnlyToken;
  Stack stack(o);
  ASSERT_EQ(stack.error(), "");
  CreateContactRequest create;
  create.set_location_id(kDemoLocation);
  create.mutable_contact()->set_first_name("Nope");
  Contact out;
  grpc::ClientContext ctx;
  auto s = stack.stub().CreateContact(&ctx, create, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << s.error_message();
  EXPECT_THAT(s.error_message(), HasSubstr("scope"));
}

TEST(GatewayErrors, RateLimitPastRetriesIsUnavailableWith429) {
  StackOptions o;
  o.rate_limit_max = 2;
  o.rate_limit_interval_ms = 60000;
  o.retry_max_attempts = 2;
  o.pacing = false;  // without the budget, GHL's 429s reach the retry loop
  Stack stack(o);
  ASSERT_EQ(stack.error(), "");
  ListContactsRequest r;
  r.set_location_id(kDemoLocation);
  auto listing = ListAll(stack.stub(), r);
  EXPECT_EQ(listing.status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(listing.status.error_message(), AllOf(HasSubstr("GHL HTTP 429"), HasSubstr("after 2 attempts")));
  EXPECT_EQ(listing.pages.size(), 2u);  // what was delivered stays delivered; the token resumes
}

TEST(GatewayPacing, PacesInsteadOfDrawing429sAndFailsFastPastTheDeadline) {
  StackOptions o;
  o.rate_limit_max = 2;
  o.rate_limit_interval_ms = 60000;
  Stack stack(o);
  ASSERT_EQ(stack.error(), "");
  ListContactsRequest r;
  r.set_location_id(kDemoLocation);
  // GHL's headers say the window is spent after two pages; the next slot is
  // a minute away, past the caller's deadline: fail now, not in a minute.
  auto listing = ListAll(stack.stub(), r, -1, std::chrono::seconds(20));
  EXPECT_EQ(listing.status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED)
      << listing.status.error_message();
  EXPECT_THAT(listing.status.error_message(), HasSubstr("after the call's deadline"));
  EXPECT_EQ(listing.pages.size(), 2u);
  EXPECT_EQ(stack.sandbox().Stats().rate_limited_429, 0u);
  EXPECT_EQ(stack.sandbox().Stats().requests, 2u);
}

TEST(GatewayPacing, ASpentDailyBudgetIsResourceExhaustedWithRetryInfo) {
  StackOptions o;
  o.rate_limit_max = 1000000;
  o.rate_limit_daily = 2;
  Stack stack(o);
  ASSERT_EQ(stack.error(), "");
  ListContactsRequest r;
  r.set_location_id(kDemoLocation);
  auto listing = ListAll(stack.stub(), r);
  EXPECT_EQ(listing.status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << listing.status.error_message();
  EXPECT_THAT(listing.status.error_message(), HasSubstr("daily GHL request budget"));
  EXPECT_EQ(listing.pages.size(), 2u);
  // Failed fast: GHL was not asked a third time.
  EXPECT_EQ(stack.sandbox().Stats().requests, 2u);
  ghl::rpc::v1::RpcStatus details;
  ASSERT_TRUE(details.ParseFromString(listing.status.error_details()));
  ASSERT_EQ(details.details_size(), 1);
  EXPECT_EQ(details.details(0).type_url(), "type.googleapis.com/google.rpc.RetryInfo");
  ghl::rpc::v1::RetryInfo info;
  ASSERT_TRUE(info.ParseFromString(details.details(0).value()));
  EXPECT_GT(info.retry_delay().seconds(), 0);
  EXPECT_LE(info.retry_delay().seconds(), 86400);
}

TEST(GatewayPacing, AStreamWaitingForTheBudgetHoldsNoWorker) {
  StackOptions o;
  o.demo_data = false;
  o.generated_contacts = 300;  // 3 pages
  o.rate_limit_max = 2;
  o.rate_limit_interval_ms = 5000;
  o.workers = 1;
  Stack stack(o);
  ASSERT_EQ(stack.error(), "");
  std::atomic<int> pages{0};
  Listing listing;
  std::thread reader([&] {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
    ListContactsRequest r;
    r.set_location_id(kDemoLocation);
    auto stream = stack.stub().ListContacts(&ctx, r);
    ghl::contacts::v1::ListContactsResponse page;
    while (stream->Read(&page)) {
      for (const auto& c : page.contacts()) listing.ids.push_back(c.id());
      ++pages;
    }
    listing.status = stream->Finish();
  });
  while (pages.load() < 2) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  // The stream now waits ~5 s for GHL's window. With the only worker asleep
  // in that wait, this call (validated on the pool) would miss its deadline.
  GetContactRequest bad;
  bad.set_location_id(kDemoLocation);
  bad.set_contact_id("not/an/id");
  Contact out;
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(3));
  const grpc::Status s = stack.stub().GetContact(&ctx, bad, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << s.error_message();
  reader.join();
  ASSERT_TRUE(listing.status.ok()) << listing.status.error_message();
  EXPECT_EQ(listing.ids.size(), 300u);
  EXPECT_EQ(stack.sandbox().Stats().rate_limited_429, 0u);
}

TEST(GatewayStorm, A429StormIsRetriedAndTheExportCompletes) {
  StackOptions o;
  o.retry_max_attempts = 12;
  Stack stack(o);
  ASSERT_EQ(stack.error(), "");
  stack.sandbox().InjectStorm429(8);
  ListContactsRequest r;
  r.set_location_id(kDemoLocation);
  auto listing = ListAll(stack.stub(), r);
  ASSERT_TRUE(listing.status.ok()) << listing.status.error_message();
  std::set<std::string> unique(listing.ids.begin(), listing.ids.end());
  EXPECT_EQ(listing.ids.size(), 5000u);
  EXPECT_EQ(unique.size(), 5000u);
  EXPECT_GE(stack.sandbox().Stats().storm_429, 8);
}

}  // namespace
}  // namespace ghl::testing
